//! Dockerfile parser: instructions with continuation lines, comments, parser directives
//! (`# escape=`), heredocs, stages. Errors (conflict markers, unknown instructions, no FROM)
//! are returned with their line, never a panic.

use crate::source::SourceText;

const KNOWN: [&str; 18] = [
    "FROM",
    "RUN",
    "CMD",
    "LABEL",
    "MAINTAINER",
    "EXPOSE",
    "ENV",
    "ADD",
    "COPY",
    "ENTRYPOINT",
    "VOLUME",
    "USER",
    "WORKDIR",
    "ARG",
    "ONBUILD",
    "STOPSIGNAL",
    "HEALTHCHECK",
    "SHELL",
];

/// One instruction. `args` joins continuation lines (comments inside removed) with a space.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Instruction {
    /// Upper-cased keyword (`RUN`).
    pub keyword: String,
    /// Flags before the arguments (`--from=build`, `--chown=app`), as written.
    pub flags: Vec<String>,
    /// Arguments after the flags.
    pub args: String,
    /// Heredoc bodies (`RUN <<EOF ... EOF`), joined.
    pub heredoc: Option<String>,
    pub line: u32,
    pub end_line: u32,
}

impl Instruction {
    /// Exec form: the arguments are a JSON array (`["app", "--serve"]`).
    pub fn is_exec_form(&self) -> bool {
        let a = self.args.trim();
        a.starts_with('[') && a.ends_with(']') && serde_json::from_str::<Vec<String>>(a).is_ok()
    }

    /// The JSON array of an exec-form instruction.
    pub fn exec_args(&self) -> Option<Vec<String>> {
        let a = self.args.trim();
        if a.starts_with('[') && a.ends_with(']') {
            serde_json::from_str::<Vec<String>>(a).ok()
        } else {
            None
        }
    }

    /// `KEY=value` pairs of ENV, ARG and LABEL (quotes removed). The legacy `ENV KEY value`
    /// form gives one pair; `ARG NAME` without a default gives `(NAME, None)`.
    pub fn key_values(&self) -> Vec<(String, Option<String>)> {
        let words = split_words(&self.args);
        let legacy = self.keyword != "ARG" && words.first().is_some_and(|w| !w.contains('='));
        if legacy {
            let (key, rest) = split_word(&self.args);
            let value = split_words(rest).join(" ");
            return vec![(key.to_string(), Some(value))];
        }
        words
            .into_iter()
            .map(|w| match w.split_once('=') {
                Some((k, v)) => (k.to_string(), Some(v.to_string())),
                None => (w, None),
            })
            .collect()
    }

    /// Value of a flag such as `--from` (`--from=build` gives `build`).
    pub fn flag(&self, name: &str) -> Option<&str> {
        self.flags.iter().find_map(|f| {
            let rest = f.strip_prefix("--")?.strip_prefix(name)?;
            rest.strip_prefix('=')
                .or(if rest.is_empty() { Some("") } else { None })
        })
    }
}

/// A build stage: `FROM image [AS name]` and the instructions until the next FROM.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Stage {
    pub index: usize,
    /// The image reference as written (`python:3.12-slim`, `$BASE`, `build`).
    pub base: String,
    pub name: Option<String>,
    pub line: u32,
    /// Indices into `Dockerfile::instructions` (the FROM itself included).
    pub instructions: std::ops::Range<usize>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Dockerfile {
    pub path: String,
    /// ARGs before the first FROM (they may parameterise the base image).
    pub global_args: Vec<Instruction>,
    pub instructions: Vec<Instruction>,
    pub stages: Vec<Stage>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DockerfileError {
    pub line: u32,
    pub message: String,
}

impl Dockerfile {
    pub fn final_stage(&self) -> Option<&Stage> {
        self.stages.last()
    }

    pub fn stage_instructions(&self, stage: &Stage) -> &[Instruction] {
        &self.instructions[stage.instructions.clone()]
    }

    /// Stage named `name` (FROM ... AS name), or by index (`--from=0`).
    pub fn stage_by_ref(&self, reference: &str) -> Option<&Stage> {
        self.stages
            .iter()
            .find(|s| {
                s.name
                    .as_deref()
                    .is_some_and(|n| n.eq_ignore_ascii_case(reference))
            })
            .or_else(|| {
                reference
                    .parse::<usize>()
                    .ok()
                    .and_then(|i| self.stages.get(i))
            })
    }
}

pub fn parse(src: &SourceText) -> Result<Dockerfile, DockerfileError> {
    let escape = escape_char(src);
    let mut instructions: Vec<Instruction> = Vec::new();
    let mut global_args = Vec::new();
    let mut stages: Vec<Stage> = Vec::new();
    let lines: Vec<&str> = src.lines().map(|(_, l)| l).collect();
    let mut i = 0;
    while i < lines.len() {
        let line_no = i as u32 + 1;
        let line = lines[i];
        let trimmed = line.trim_start();
        if line.starts_with("<<<<<<<")
            || line.starts_with(">>>>>>>")
            || line.starts_with("|||||||")
            || line == "======="
        {
            return Err(DockerfileError {
                line: line_no,
                message: format!(
                    "merge-conflict marker `{}`: the file cannot be built",
                    &line[..7]
                ),
            });
        }
        if trimmed.is_empty() || trimmed.starts_with('#') {
            i += 1;
            continue;
        }
        // Join continuation lines; comment lines inside a continuation are dropped.
        let mut text = String::new();
        let mut end = i;
        loop {
            let current = lines[end].trim_end();
            let continued = current.ends_with(escape);
            let piece = if continued {
                &current[..current.len() - escape.len_utf8()]
            } else {
                current
            };
            if !text.is_empty() {
                text.push(' ');
            }
            text.push_str(piece.trim());
            if !continued {
                break;
            }
            end += 1;
            while end < lines.len()
                && (lines[end].trim_start().starts_with('#') || lines[end].trim().is_empty())
            {
                end += 1;
            }
            if end >= lines.len() {
                end = lines.len() - 1;
                break;
            }
        }
        let (keyword, rest) = split_word(&text);
        let keyword = keyword.to_ascii_uppercase();
        if !KNOWN.contains(&keyword.as_str()) {
            return Err(DockerfileError {
                line: line_no,
                message: format!("unknown instruction `{keyword}`"),
            });
        }
        let (flags, args) = split_flags(rest);
        let mut instruction = Instruction {
            keyword,
            flags,
            args,
            heredoc: None,
            line: line_no,
            end_line: end as u32 + 1,
        };
        // Heredocs (RUN, COPY, ADD): `<<EOF` / `<<-EOF` / `<<"EOF"` take the following lines up
        // to the delimiter; several heredocs on one instruction follow each other.
        let delimiters = if matches!(instruction.keyword.as_str(), "RUN" | "COPY" | "ADD") {
            heredoc_delimiters(&instruction.args)
        } else {
            Vec::new()
        };
        let mut bodies = Vec::new();
        for delim in delimiters {
            let mut body = Vec::new();
            let mut j = end + 1;
            while j < lines.len() && lines[j].trim() != delim {
                body.push(lines[j]);
                j += 1;
            }
            if j >= lines.len() {
                return Err(DockerfileError {
                    line: line_no,
                    message: format!("heredoc `{delim}` is never closed"),
                });
            }
            bodies.push(body.join("\n"));
            instruction.end_line = j as u32 + 1;
            end = j;
        }
        if !bodies.is_empty() {
            instruction.heredoc = Some(bodies.join("\n"));
        }
        if let Some(message) = arity_error(&instruction) {
            return Err(DockerfileError {
                line: line_no,
                message,
            });
        }
        if instruction.keyword == "FROM" {
            if let Some(prev) = stages.last_mut() {
                prev.instructions.end = instructions.len();
            }
            let (base, name) = parse_from(&instruction.args);
            if base.is_empty() {
                return Err(DockerfileError {
                    line: line_no,
                    message: "FROM without an image".into(),
                });
            }
            stages.push(Stage {
                index: stages.len(),
                base,
                name,
                line: line_no,
                instructions: instructions.len()..instructions.len(),
            });
        } else if stages.is_empty() {
            if instruction.keyword == "ARG" {
                global_args.push(instruction);
                i = end + 1;
                continue;
            }
            return Err(DockerfileError {
                line: line_no,
                message: format!("{} before the first FROM", instruction.keyword),
            });
        }
        instructions.push(instruction);
        i = end + 1;
    }
    let Some(last) = stages.last_mut() else {
        return Err(DockerfileError {
            line: 1,
            message: "no FROM instruction".into(),
        });
    };
    last.instructions.end = instructions.len();
    Ok(Dockerfile {
        path: src.path.clone(),
        global_args,
        instructions,
        stages,
    })
}

fn escape_char(src: &SourceText) -> char {
    for (_, line) in src.lines() {
        let t = line.trim();
        let Some(directive) = t.strip_prefix('#') else {
            break;
        };
        let directive = directive.trim();
        if let Some(value) = directive.strip_prefix("escape=") {
            if value.trim() == "`" {
                return '`';
            }
        } else if !directive.contains('=') {
            break;
        }
    }
    '\\'
}

fn split_word(text: &str) -> (&str, &str) {
    let text = text.trim();
    match text.find(char::is_whitespace) {
        Some(i) => (&text[..i], text[i..].trim_start()),
        None => (text, ""),
    }
}

fn split_flags(mut rest: &str) -> (Vec<String>, String) {
    let mut flags = Vec::new();
    while rest.starts_with("--") {
        let (flag, after) = split_word(rest);
        flags.push(flag.to_string());
        rest = after;
    }
    (flags, rest.to_string())
}

fn parse_from(args: &str) -> (String, Option<String>) {
    let words: Vec<&str> = args.split_whitespace().collect();
    let base = words.first().copied().unwrap_or("").to_string();
    let name = match words.as_slice() {
        [_, kw, name, ..] if kw.eq_ignore_ascii_case("as") => Some(name.to_string()),
        _ => None,
    };
    (base, name)
}

/// Delimiters of the heredocs an instruction opens (`<<EOF`, `<<-EOF`, `<<"EOF"`), in order.
/// `<<` inside quotes and here-strings (`<<<`) are not heredocs.
fn heredoc_delimiters(args: &str) -> Vec<String> {
    let bytes = args.as_bytes();
    let mut out = Vec::new();
    let (mut i, mut quote) = (0, None::<u8>);
    while i < bytes.len() {
        let c = bytes[i];
        match quote {
            Some(q) if c == q => quote = None,
            Some(_) => {}
            None if c == b'"' || c == b'\'' => quote = Some(c),
            None if c == b'<' && bytes.get(i + 1) == Some(&b'<') => {
                // BuildKit only reads `<<` at the start of a word (after an optional fd number):
                // `$((1<<N))` and `cat<<EOF` are not heredocs for it.
                let before = args[..i].trim_end_matches(|c: char| c.is_ascii_digit());
                let word_start = before.is_empty() || before.ends_with(char::is_whitespace);
                if bytes.get(i + 2) == Some(&b'<') || !word_start {
                    i += 3;
                    continue;
                }
                let rest = args[i + 2..].trim_start_matches('-');
                let unquoted = rest.trim_start_matches(['"', '\'']);
                let word: String = unquoted
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if word
                    .chars()
                    .next()
                    .is_some_and(|c| c.is_ascii_alphabetic() || c == '_')
                {
                    i += 2 + (args.len() - i - 2 - unquoted.len()) + word.len();
                    if matches!(bytes.get(i), Some(b'"' | b'\'')) {
                        i += 1;
                    }
                    out.push(word);
                    continue;
                }
            }
            None => {}
        }
        i += 1;
    }
    out
}

/// Argument-count errors BuildKit reports at parse time.
fn arity_error(i: &Instruction) -> Option<String> {
    let words = i.args.split_whitespace().count();
    let k = i.keyword.as_str();
    match k {
        "FROM"
            if !(words == 1
                || words == 3
                    && i.args
                        .split_whitespace()
                        .nth(1)
                        .is_some_and(|w| w.eq_ignore_ascii_case("as"))) =>
        {
            Some("FROM requires either one or three arguments (`FROM image [AS name]`)".into())
        }
        "COPY" | "ADD" if i.heredoc.is_none() && words < 2 => Some(format!(
            "{k} requires at least two arguments (source and destination)"
        )),
        "ENV" | "ARG" | "LABEL" | "EXPOSE" | "VOLUME" | "WORKDIR" | "USER" | "STOPSIGNAL"
        | "MAINTAINER" | "HEALTHCHECK" | "SHELL" | "ONBUILD"
            if words == 0 =>
        {
            Some(format!("{k} requires at least one argument"))
        }
        _ => None,
    }
}

/// A Dockerfile argument list split into words: unquoted whitespace separates, quotes are
/// removed, a backslash escapes the next character.
pub fn split_words(args: &str) -> Vec<String> {
    let mut words = Vec::new();
    let mut current = String::new();
    let (mut quote, mut started) = (None::<char>, false);
    let mut chars = args.chars();
    while let Some(c) = chars.next() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (Some('"') | None, '\\') => {
                if let Some(next) = chars.next() {
                    current.push(next);
                }
                started = true;
            }
            (Some(_), c) => current.push(c),
            (None, '"' | '\'') => {
                quote = Some(c);
                started = true;
            }
            (None, c) if c.is_whitespace() => {
                if started {
                    words.push(std::mem::take(&mut current));
                    started = false;
                }
            }
            (None, c) => {
                current.push(c);
                started = true;
            }
        }
    }
    if started {
        words.push(current);
    }
    words
}

#[cfg(test)]
mod tests {
    use super::*;

    fn df(text: &str) -> Result<Dockerfile, DockerfileError> {
        parse(&SourceText::new("Dockerfile", text.to_string()))
    }

    #[test]
    fn stages_continuations_and_flags() {
        let d = df("ARG BASE=python:3.12\nFROM $BASE AS build\nRUN apt-get update \\\n  # comment\n  && apt-get install -y gcc\nFROM python:3.12-slim\nCOPY --from=build --chown=app /app /app\nUSER app\nCMD [\"app\"]\n").unwrap();
        assert_eq!(d.global_args.len(), 1);
        assert_eq!(d.stages.len(), 2);
        assert_eq!(d.stages[0].name.as_deref(), Some("build"));
        let run = &d.instructions[1];
        assert_eq!(run.args, "apt-get update && apt-get install -y gcc");
        assert_eq!((run.line, run.end_line), (3, 5));
        let copy = &d.stage_instructions(&d.stages[1])[1];
        assert_eq!(copy.flag("from"), Some("build"));
        assert!(d.instructions.last().unwrap().is_exec_form());
    }

    #[test]
    fn heredoc_body() {
        let d = df("FROM alpine:3.20\nRUN <<EOF\nset -e\napk add curl\nEOF\nUSER 1000\n").unwrap();
        assert_eq!(
            d.instructions[1].heredoc.as_deref(),
            Some("set -e\napk add curl")
        );
        assert_eq!(d.instructions[2].keyword, "USER");
    }

    #[test]
    fn heredocs_only_where_buildkit_reads_them() {
        let d = df("FROM alpine:3.20\nCOPY <<one <<'two' /etc/\na\none\nb\ntwo\nRUN echo \"x << y\" && cat <<<\"$z\"\nENV A=\"<<B\"\n").unwrap();
        assert_eq!(d.instructions[1].heredoc.as_deref(), Some("a\nb"));
        assert_eq!(d.instructions[2].heredoc, None);
        assert_eq!(d.instructions[3].heredoc, None);
        let d =
            df("FROM a:1\nRUN echo $((1<<SHIFT))\nRUN python3 - 3<<PY\nprint(1)\nPY\n").unwrap();
        assert_eq!(d.instructions[1].heredoc, None);
        assert_eq!(d.instructions[2].heredoc.as_deref(), Some("print(1)"));
    }

    #[test]
    fn key_values_of_env_and_arg() {
        let d = df(
            "FROM a:1\nENV A=1 B=\"two words\" C='x'\nENV LEGACY some value\nARG NAME\nARG V=1.2\n",
        )
        .unwrap();
        let kv = |i: usize| d.instructions[i].key_values();
        assert_eq!(
            kv(1),
            vec![
                ("A".into(), Some("1".into())),
                ("B".into(), Some("two words".into())),
                ("C".into(), Some("x".into()))
            ]
        );
        assert_eq!(kv(2), vec![("LEGACY".into(), Some("some value".into()))]);
        assert_eq!(kv(3), vec![("NAME".into(), None)]);
        assert_eq!(kv(4), vec![("V".into(), Some("1.2".into()))]);
    }

    #[test]
    fn escape_directive_and_arity() {
        let d = df("# escape=`\nFROM mcr.microsoft.com/windows/servercore:ltsc2022\nRUN dir `\n  c:\\\nCOPY app c:\\app\\\n").unwrap();
        assert_eq!(d.instructions[1].args, "dir c:\\");
        assert!(df("FROM a:1 b\n").unwrap_err().message.contains("FROM"));
        assert!(
            df("FROM a:1\nCOPY onlyone\n")
                .unwrap_err()
                .message
                .contains("two")
        );
        assert_eq!(df("FROM a:1\n|||||||\n").unwrap_err().line, 2);
    }

    #[test]
    fn errors_have_lines() {
        assert_eq!(df("FROM a:1\n<<<<<<< HEAD\nUSER x\n").unwrap_err().line, 2);
        assert!(
            df("FROM a:1\nRUNN x\n")
                .unwrap_err()
                .message
                .contains("RUNN")
        );
        assert!(df("# nothing\n").is_err());
    }
}
