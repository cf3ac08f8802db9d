//! Build script: compiles `proto/**/*.proto` with protox (no protoc needed), generates the tonic
//! server and client code, keeps the descriptor set for reflection, and makes `sqlx::migrate!`
//! notice new migration files.

use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=../proto");
    println!("cargo:rerun-if-changed=../migrations");

    let proto_root = Path::new("../proto");
    let mut files = Vec::new();
    collect_protos(proto_root, &mut files)?;
    // Sorted so the generated descriptor set is the same on every machine.
    files.sort();

    let mut compiler = protox::Compiler::new([proto_root])?;
    // Imports (well-known types) and comments travel with the descriptor so reflection clients
    // can resolve every type and show the documentation.
    compiler.include_imports(true).include_source_info(true);
    compiler.open_files(&files)?;
    let out_dir = PathBuf::from(std::env::var("OUT_DIR")?);
    std::fs::write(
        out_dir.join("aiproxy_admin_descriptor.bin"),
        compiler.encode_file_descriptor_set(),
    )?;
    let fds = compiler.file_descriptor_set();
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(true)
        .compile_fds(fds)?;
    Ok(())
}

fn collect_protos(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_protos(&path, files)?;
        } else if path.extension().is_some_and(|ext| ext == "proto") {
            files.push(path);
        }
    }
    Ok(())
}
