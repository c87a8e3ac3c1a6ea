//! `wirelens fields [PREFIX]`: the field registry, like `tshark -G fields`.

use std::io::Write;
use std::process::ExitCode;

use wirelens_dissect::filter::check::EXPERT_FIELDS;
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
    // Expert items usable in filters (`tcp.analysis.retransmission`), as tshark lists them.
    for (name, _, label) in EXPERT_FIELDS
        .iter()
        .filter(|(n, _, _)| n.starts_with(prefix))
    {
        let proto = name.split('.').next().unwrap_or(name);
        writeln!(out, "{name}\tFT_NONE\t{proto}\t{label}")?;
    }
    Ok(ExitCode::SUCCESS)
}
