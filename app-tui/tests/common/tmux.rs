//! The real binary in a real terminal: a command run inside a detached
//! tmux session, driven with `send-keys` and read with `capture-pane`.

use std::process::{Command, Output};
use std::time::{Duration, Instant};

/// How long a screen may take to show what a step expects (a debug build on
/// a busy machine); a step that never gets there fails with the screen.
const PATIENCE: Duration = Duration::from_secs(30);

pub struct Tmux {
    session: String,
}

fn tmux(args: &[&str]) -> Output {
    match Command::new("tmux").args(args).output() {
        Ok(o) => o,
        Err(e) => panic!("install tmux (apt-get install tmux): cannot run it: {e}"),
    }
}

impl Tmux {
    /// Runs `command` in a new 160×48 session; when it ends, the shell
    /// prints its exit status and waits, so the terminal it left can be read.
    pub fn start(name: &str, command: &str) -> Tmux {
        let session = format!("wirelens-e2e-{name}-{}", std::process::id());
        let shell = format!("{command}; echo \"[exit $?]\"; sleep 600");
        let out = tmux(&[
            "new-session",
            "-d",
            "-s",
            &session,
            "-x",
            "160",
            "-y",
            "48",
            "sh",
            "-c",
            &shell,
        ]);
        assert!(
            out.status.success(),
            "tmux new-session: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        Tmux { session }
    }

    pub fn screen(&self) -> String {
        String::from_utf8_lossy(&tmux(&["capture-pane", "-p", "-t", &self.session]).stdout)
            .into_owned()
    }

    pub fn send(&self, keys: &[&str]) {
        let mut args = vec!["send-keys", "-t", &self.session];
        args.extend_from_slice(keys);
        tmux(&args);
    }

    /// Escape on its own: followed at once by another key, a terminal reads
    /// the pair as Alt+key.
    pub fn escape(&self) {
        self.send(&["Escape"]);
        std::thread::sleep(Duration::from_millis(300));
    }

    /// Waits for the screen to pass `check`, returning it.
    pub fn wait_for(&self, what: &str, check: impl Fn(&str) -> bool) -> String {
        let start = Instant::now();
        loop {
            let screen = self.screen();
            if check(&screen) {
                return screen;
            }
            assert!(
                start.elapsed() < PATIENCE,
                "waiting for {what}; the screen:\n{screen}"
            );
            std::thread::sleep(Duration::from_millis(50));
        }
    }

    pub fn pane(&self, format: &str) -> String {
        String::from_utf8_lossy(
            &tmux(&["display-message", "-p", "-t", &self.session, format]).stdout,
        )
        .trim()
        .to_string()
    }
}

impl Drop for Tmux {
    fn drop(&mut self) {
        tmux(&["kill-session", "-t", &self.session]);
    }
}
