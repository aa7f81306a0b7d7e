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
        if line.starts_with("<<<<<<<") || line.starts_with(">>>>>>>") || line == "=======" {
            return Err(DockerfileError {
                line: line_no,
                message: "merge-conflict marker".into(),
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
        // Heredocs: `<<EOF` / `<<-EOF` / `<<"EOF"` take the following lines up to the delimiter.
        if let Some(delim) = heredoc_delimiter(&instruction.args) {
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
            instruction.heredoc = Some(body.join("\n"));
            instruction.end_line = j as u32 + 1;
            end = j;
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

fn heredoc_delimiter(args: &str) -> Option<String> {
    let idx = args.find("<<")?;
    let rest = args[idx + 2..].trim_start_matches('-');
    let word: String = rest
        .trim_matches(|c| c == '"' || c == '\'')
        .chars()
        .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
        .collect();
    (!word.is_empty()
        && word
            .chars()
            .all(|c| c.is_ascii_uppercase() || c == '_' || c.is_ascii_digit()))
    .then_some(word)
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
