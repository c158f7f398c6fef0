fn main() -> std::process::ExitCode {
    civplan::cli::main()
}
