use std::process::ExitCode;

fn main() -> ExitCode {
    shouwen::cli::main()
}
