//! Plain HTTP/1.1 over port 80: text requests, responses with a correct
//! `Content-Length`.

use super::{response_size, Exchange, Message};
use crate::gen::rng::Rng;
use crate::gen::time::MS;

const USER_AGENTS: [&str; 3] = [
    "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/131.0.0.0 Safari/537.36",
    "Mozilla/5.0 (X11; Linux x86_64; rv:133.0) Gecko/20100101 Firefox/133.0",
    "curl/8.11.1",
];

/// What a path asks for: its extension, content type and whether the body is text.
const KINDS: [(&str, &str, bool); 5] = [
    ("html", "text/html; charset=utf-8", true),
    ("css", "text/css", true),
    ("js", "application/javascript", true),
    ("woff2", "font/woff2", false),
    ("bin", "application/octet-stream", false),
];

pub fn exchange(host: &str, rng: &mut Rng) -> Exchange {
    let (ext, content_type, is_text) = *rng.pick(&KINDS);
    let path = format!(
        "/{}/{:x}.{ext}",
        rng.pick(&["assets", "static", "img", "news", "api"]),
        rng.next_u32()
    );
    let request = format!(
        "GET {path} HTTP/1.1\r\nHost: {host}\r\nUser-Agent: {}\r\nAccept: */*\r\n\
         Accept-Encoding: gzip, deflate\r\nConnection: keep-alive\r\n\r\n",
        rng.pick(&USER_AGENTS)
    );
    let date = format!(
        "Sat, 14 Mar 2026 09:{:02}:{:02} GMT",
        rng.below(60),
        rng.below(60)
    );
    let server = match rng.weighted(&[85, 10, 5]) {
        0 => {
            let len = response_size(rng);
            let head = format!(
                "HTTP/1.1 200 OK\r\nServer: nginx/1.26.2\r\nDate: {date}\r\nContent-Type: {content_type}\r\n\
                 Content-Length: {len}\r\nConnection: keep-alive\r\nCache-Control: max-age=3600\r\n\r\n"
            );
            if is_text {
                Message::with_text_body(head.into_bytes(), len, rng)
            } else {
                Message::with_random_body(head.into_bytes(), len, rng)
            }
        }
        1 => Message::bytes(
            format!(
                "HTTP/1.1 304 Not Modified\r\nServer: nginx/1.26.2\r\nDate: {date}\r\n\
                 ETag: \"{:x}\"\r\nConnection: keep-alive\r\n\r\n",
                rng.next_u64()
            )
            .into_bytes(),
        ),
        _ => {
            let body = "<html><head><title>404 Not Found</title></head>\r\n<body>\r\n\
                        <center><h1>404 Not Found</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n";
            Message::bytes(
                format!(
                    "HTTP/1.1 404 Not Found\r\nServer: nginx/1.26.2\r\nDate: {date}\r\n\
                     Content-Type: text/html\r\nContent-Length: {}\r\nConnection: keep-alive\r\n\r\n{body}",
                    body.len()
                )
                .into_bytes(),
            )
        }
    };
    Exchange {
        pause: rng.log_uniform(MS, 2_000 * MS),
        client: Message::bytes(request.into_bytes()),
        server_think: rng.log_uniform(MS / 5, 80 * MS),
        server,
    }
}
