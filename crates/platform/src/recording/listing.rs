//! The recordings folder as `GET /api/recordings` lists it: every recording file with its
//! size and what its header says.

use std::path::{Path, PathBuf};

use super::format::EXTENSION;
use super::{read_header, RecordingError};
use crate::wire::RecordingFile;

/// Every `*.jsonl.zst` file in `folder`, oldest start first (a file whose header cannot be
/// read, with nulls, first); `writing` are the files still being written. A folder that does
/// not exist yet holds none. Errors: the folder cannot be listed.
pub fn list(folder: &Path, writing: &[PathBuf]) -> Result<Vec<RecordingFile>, RecordingError> {
    let entries = match std::fs::read_dir(folder) {
        Ok(entries) => entries,
        Err(error) if error.kind() == std::io::ErrorKind::NotFound => return Ok(Vec::new()),
        Err(source) => return Err(RecordingError::io("list", folder, source)),
    };
    let mut files: Vec<RecordingFile> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| {
            path.is_file()
                && path
                    .file_name()
                    .and_then(|name| name.to_str())
                    .is_some_and(|name| name.ends_with(EXTENSION))
        })
        .map(|path| describe(&path, writing.contains(&path)))
        .collect();
    files.sort_by(|a, b| (a.started_at_ms, &a.file).cmp(&(b.started_at_ms, &b.file)));
    Ok(files)
}

/// One recording file as listed; `recording` when it is still being written. What cannot
/// be read is left out: the header's fields are then null, the size 0.
pub fn describe(path: &Path, recording: bool) -> RecordingFile {
    let header = read_header(path).ok();
    RecordingFile {
        file: path
            .file_name()
            .map(|name| name.to_string_lossy().into_owned())
            .unwrap_or_default(),
        name: header.as_ref().and_then(|h| h.name.clone()),
        bytes: std::fs::metadata(path).map_or(0, |metadata| metadata.len()),
        started_at_ms: header.as_ref().map(|h| h.started_at_ms),
        environment: header.as_ref().map(|h| h.environment.clone()),
        part: header.as_ref().map(|h| h.part),
        recording,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::recording::format::Header;
    use crate::recording::tests::empty_snapshot;
    use crate::recording::writer::FileWriter;

    #[test]
    fn each_recording_is_listed_with_its_size_and_header_and_other_files_are_not() {
        let folder = tempfile::tempdir().expect("temp dir");
        let named = Header {
            started_at_ms: 2_000,
            ..Header::new("rehearsal", Some("demo"))
        };
        let session = Header {
            started_at_ms: 1_000,
            ..Header::new("local", None)
        };
        let named_path = folder.path().join(named.file_name());
        FileWriter::create(&named_path, &named, &empty_snapshot())
            .expect("create")
            .finish()
            .expect("finish");
        let session_path = folder.path().join(session.file_name());
        let writing =
            FileWriter::create(&session_path, &session, &empty_snapshot()).expect("create");
        std::fs::write(folder.path().join("broken.jsonl.zst"), b"not zstd").expect("write");
        std::fs::write(folder.path().join("notes.txt"), b"not listed").expect("write");

        let listed = list(folder.path(), std::slice::from_ref(&session_path)).expect("listed");
        let summary: Vec<_> = listed
            .iter()
            .map(|f| {
                (
                    f.file.as_str(),
                    f.name.as_deref(),
                    f.started_at_ms,
                    f.recording,
                )
            })
            .collect();
        assert_eq!(
            summary,
            [
                ("broken.jsonl.zst", None, None, false),
                (
                    "session-19700101T000001.000Z-001.jsonl.zst",
                    None,
                    Some(1_000),
                    true
                ),
                (
                    "named-demo-19700101T000002.000Z-001.jsonl.zst",
                    Some("demo"),
                    Some(2_000),
                    false
                ),
            ]
        );
        assert_eq!(listed[0].bytes, 8);
        assert_eq!(listed[2].environment.as_deref(), Some("rehearsal"));
        assert_eq!(listed[1].part, Some(1));
        drop(writing);
    }

    #[test]
    fn a_folder_not_made_yet_holds_no_recordings() {
        let folder = tempfile::tempdir().expect("temp dir");
        assert_eq!(
            list(&folder.path().join("recordings"), &[]).expect("listed"),
            []
        );
    }
}
