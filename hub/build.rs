//! Build script: compiles `proto/**/*.proto` with protox (no protoc needed), generates the tonic
//! server and client code, keeps the descriptor set for reflection, makes `sqlx::migrate!`
//! notice new migration files, and lists the built panel (`web/dist`) for embedding.

use std::path::{Path, PathBuf};

fn main() -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=../proto");
    println!("cargo:rerun-if-changed=../migrations");
    println!("cargo:rerun-if-changed=../web/dist");

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
        // Ours answers an undecodable request INVALID_ARGUMENT where prost's says INTERNAL.
        .codec_path("crate::edges::grpc::codec::AdminCodec")
        .build_server(true)
        .build_client(true)
        .compile_fds(fds)?;
    compile_test_fixture(&out_dir)?;
    embed_panel(Path::new("../web/dist"), &out_dir.join("panel_assets.rs"))?;
    Ok(())
}

/// The small gRPC service the `mcp_grpc` integration test serves (with reflection) as an MCP
/// server's upstream. Generated here because this is where tonic code is generated; only the
/// tests include it, so the server binary does not carry it.
fn compile_test_fixture(out_dir: &Path) -> Result<(), Box<dyn std::error::Error>> {
    println!("cargo:rerun-if-changed=tests/fixtures/grpc_fixture.proto");
    let mut compiler = protox::Compiler::new([Path::new("tests/fixtures")])?;
    compiler.include_imports(true).include_source_info(true);
    compiler.open_files(["grpc_fixture.proto"])?;
    std::fs::write(
        out_dir.join("grpc_fixture_descriptor.bin"),
        compiler.encode_file_descriptor_set(),
    )?;
    tonic_prost_build::configure()
        .build_server(true)
        .build_client(false)
        .compile_fds(compiler.file_descriptor_set())?;
    Ok(())
}

/// Writes `PANEL_ASSETS`, every file under `dist` as `(path relative to dist, include_bytes!)`,
/// sorted by path. A build script instead of an embedding crate: thirty lines, and `include_bytes!`
/// makes rustc itself track each file. A missing `dist` embeds nothing (the panel answers 404).
fn embed_panel(dist: &Path, out: &Path) -> Result<(), Box<dyn std::error::Error>> {
    let mut files = Vec::new();
    if dist.is_dir() {
        collect_files(dist, &mut files)?;
    }
    let mut entries = Vec::new();
    for file in &files {
        let relative = file
            .strip_prefix(dist)?
            .components()
            .map(|part| part.as_os_str().to_string_lossy())
            .collect::<Vec<_>>()
            .join("/");
        entries.push((relative, std::fs::canonicalize(file)?));
    }
    // Sorted by the served name, which the server binary-searches.
    entries.sort();
    let mut code = String::from("pub static PANEL_ASSETS: &[(&str, &[u8])] = &[\n");
    for (relative, absolute) in &entries {
        code.push_str(&format!(
            "    ({relative:?}, include_bytes!({:?})),\n",
            absolute.to_string_lossy()
        ));
    }
    code.push_str("];\n");
    std::fs::write(out, code)?;
    Ok(())
}

fn collect_files(dir: &Path, files: &mut Vec<PathBuf>) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let path = entry?.path();
        if path.is_dir() {
            collect_files(&path, files)?;
        } else {
            files.push(path);
        }
    }
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
