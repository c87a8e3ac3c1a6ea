//! `wirelens fields [PREFIX]`: the field registry, like `tshark -G fields`.

use std::io::Write;
use std::process::ExitCode;

use wirelens_dissect::registry;

use crate::cli::FieldsArgs;
use crate::Error;

pub fn run(args: &FieldsArgs, out: &mut impl Write) -> Result<ExitCode, Error> {
    let prefix = args.prefix.as_deref().unwrap_or("");
    for f in registry::fields().filter(|f| f.name.starts_with(prefix)) {
        writeln!(
            out,
            "{}\t{}\t{}\t{}",
            f.name,
            f.kind.ws_name(),
            f.protocol(),
            f.label
        )?;
    }
    Ok(ExitCode::SUCCESS)
}
