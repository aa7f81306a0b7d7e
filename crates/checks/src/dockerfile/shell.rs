//! The shell script of a RUN instruction, split into simple commands. Not a full shell parser:
//! enough to see which programs run, with which words, and which commands are piped.

use vouch_workspace::Instruction;

const SHELLS: [&str; 8] = [
    "sh",
    "bash",
    "ash",
    "dash",
    "zsh",
    "ksh",
    "/bin/sh",
    "/bin/bash",
];

/// The text the shell runs for a RUN: its arguments, or the heredoc body when the heredoc is
/// the script (`RUN <<EOF`, `RUN bash <<EOF`); a heredoc fed to another program
/// (`RUN python3 <<EOF`, `RUN cat <<EOF > file`) is data, not shell. Exec form: the words.
pub(crate) fn run_script(instr: &Instruction) -> String {
    if let Some(words) = instr.exec_args() {
        // `RUN ["sh", "-c", "script"]` runs the script; other exec forms run one program.
        return match words.as_slice() {
            [sh, c, script, ..] if is_shell(sh) && c.starts_with('-') && c.ends_with('c') => {
                script.clone()
            }
            _ => words.join(" "),
        };
    }
    let Some(body) = &instr.heredoc else {
        return instr.args.clone();
    };
    let before = instr.args.split("<<").next().unwrap_or("").trim();
    let runs_body_as_shell = before.is_empty()
        && !body
            .lines()
            .next()
            .is_some_and(|l| l.starts_with("#!") && !SHELLS.iter().any(|s| l.ends_with(s)))
        || before
            .split_whitespace()
            .next()
            .is_some_and(|w| is_shell(w) && !before.contains(" -c"));
    if runs_body_as_shell {
        body.clone()
    } else {
        instr.args.clone()
    }
}

pub(crate) fn is_shell(word: &str) -> bool {
    let name = word.rsplit('/').next().unwrap_or(word);
    SHELLS.contains(&name)
}

/// One simple command: its words (quotes removed, redirections dropped, leading `VAR=value`
/// assignments kept apart).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub(crate) struct Command {
    pub assignments: Vec<(String, String)>,
    pub words: Vec<String>,
    /// Reads the previous command's output through a pipe (`a | b`: true for b).
    pub piped: bool,
}

const KEYWORDS: [&str; 12] = [
    "if", "then", "else", "elif", "fi", "do", "done", "while", "until", "!", "{", "}",
];
const WRAPPERS: [&str; 7] = ["sudo", "env", "nice", "nohup", "time", "exec", "command"];

impl Command {
    /// Words after wrappers such as `sudo -E`, `env A=b`, `exec`: the program and its arguments.
    pub fn program_words(&self) -> &[String] {
        let mut i = 0;
        while i < self.words.len() && WRAPPERS.contains(&self.words[i].as_str()) {
            let wrapper = self.words[i].as_str();
            i += 1;
            while i < self.words.len()
                && (self.words[i].starts_with('-')
                    || wrapper == "env" && self.words[i].contains('='))
            {
                let takes_value =
                    wrapper == "sudo" && matches!(self.words[i].as_str(), "-u" | "-g");
                i += if takes_value { 2 } else { 1 };
            }
        }
        &self.words[i.min(self.words.len())..]
    }

    /// Program name without directories (`/usr/bin/pip3` → `pip3`).
    pub fn program(&self) -> &str {
        self.program_words()
            .first()
            .map(|w| w.rsplit('/').next().unwrap_or(w))
            .unwrap_or("")
    }
}

/// Splits a script into simple commands at `&&`, `||`, `;`, `|`, `&`, newlines and
/// parentheses; `#` comments and redirections are dropped.
pub(crate) fn commands(script: &str) -> Vec<Command> {
    let mut sp = Splitter::default();
    let chars: Vec<char> = script.chars().collect();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        match c {
            '\\' if chars.get(i + 1) == Some(&'\n') => i += 1,
            '\\' => {
                if let Some(&n) = chars.get(i + 1) {
                    sp.word.push(n);
                    i += 1;
                }
                sp.in_word = true;
            }
            '\'' => {
                i += 1;
                while i < chars.len() && chars[i] != '\'' {
                    sp.word.push(chars[i]);
                    i += 1;
                }
                sp.in_word = true;
            }
            '"' => {
                i += 1;
                while i < chars.len() && chars[i] != '"' {
                    if chars[i] == '\\' && i + 1 < chars.len() {
                        i += 1;
                    }
                    sp.word.push(chars[i]);
                    i += 1;
                }
                sp.in_word = true;
            }
            '$' if chars.get(i + 1) == Some(&'(') => {
                // Command substitution stays inside the word, nested parentheses included.
                let mut depth = 0;
                while i < chars.len() {
                    sp.word.push(chars[i]);
                    if chars[i] == '(' {
                        depth += 1;
                    } else if chars[i] == ')' {
                        depth -= 1;
                        if depth == 0 {
                            break;
                        }
                    }
                    i += 1;
                }
                sp.in_word = true;
            }
            '`' => {
                sp.word.push(c);
                i += 1;
                while i < chars.len() && chars[i] != '`' {
                    sp.word.push(chars[i]);
                    i += 1;
                }
                sp.word.push('`');
                sp.in_word = true;
            }
            '#' if !sp.in_word => {
                while i < chars.len() && chars[i] != '\n' {
                    i += 1;
                }
                continue;
            }
            '>' | '<' => {
                // A redirection: `>`, `>>`, `2>&1`, `&>`, `<`; its target word is dropped too.
                let fd_prefix = sp.in_word && sp.word.chars().all(|c| c.is_ascii_digit());
                if fd_prefix {
                    sp.word.clear();
                    sp.in_word = false;
                } else {
                    sp.end_word();
                }
                while matches!(chars.get(i + 1), Some('>' | '<' | '&' | '|')) {
                    i += 1;
                }
                let fd_target =
                    matches!(chars.get(i + 1), Some(d) if d.is_ascii_digit()) && chars[i] == '&';
                if fd_target {
                    i += 1;
                } else {
                    sp.drop_next_word = true;
                }
            }
            '&' if chars.get(i + 1) == Some(&'>') => {
                sp.end_word();
                i += 1;
                sp.drop_next_word = true;
            }
            '&' if chars.get(i + 1) == Some(&'&') => {
                sp.end_command(false);
                i += 1;
            }
            '|' if chars.get(i + 1) == Some(&'|') => {
                sp.end_command(false);
                i += 1;
            }
            '|' => {
                sp.end_command(true);
            }
            '&' | ';' | '\n' | '(' | ')' => {
                sp.end_command(false);
            }
            c if c.is_whitespace() => {
                sp.end_word();
            }
            _ => {
                sp.word.push(c);
                sp.in_word = true;
            }
        }
        i += 1;
    }
    sp.end_command(false);
    sp.out
}

#[derive(Default)]
struct Splitter {
    out: Vec<Command>,
    cmd: Command,
    word: String,
    in_word: bool,
    next_piped: bool,
    drop_next_word: bool,
}

impl Splitter {
    fn end_word(&mut self) {
        if self.in_word {
            let w = std::mem::take(&mut self.word);
            if self.drop_next_word {
                self.drop_next_word = false;
            } else {
                push_word(&mut self.cmd, w);
            }
            self.in_word = false;
        }
    }

    fn end_command(&mut self, piped: bool) {
        self.end_word();
        if !self.cmd.words.is_empty() || !self.cmd.assignments.is_empty() {
            self.cmd.piped = self.next_piped;
            self.out.push(std::mem::take(&mut self.cmd));
        }
        self.next_piped = piped;
        self.drop_next_word = false;
    }
}

fn push_word(cmd: &mut Command, w: String) {
    if cmd.words.is_empty() {
        if let Some((k, v)) = w.split_once('=') {
            let is_name = !k.is_empty()
                && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                && !k.starts_with(|c: char| c.is_ascii_digit());
            if is_name {
                cmd.assignments.push((k.to_string(), v.to_string()));
                return;
            }
        }
        if KEYWORDS.contains(&w.as_str()) {
            return;
        }
    }
    cmd.words.push(w);
}

/// Expands `$NAME`/`${NAME}` in `word` from assignments made earlier in the same script and
/// then from `outer` (ARG/ENV values). None when a variable stays unknown.
pub(crate) fn expand_word(
    word: &str,
    script_vars: &[(String, String)],
    outer: &std::collections::HashMap<String, String>,
) -> Option<String> {
    if !word.contains('$') {
        return Some(word.to_string());
    }
    if word.contains("$(") || word.contains('`') {
        return None;
    }
    let lookup = |n: &str| {
        script_vars
            .iter()
            .rev()
            .find(|(k, _)| k == n)
            .map(|(_, v)| v.clone())
            .or_else(|| outer.get(n).cloned())
    };
    super::image::substitute(word, &lookup).ok()
}

/// Every `VAR=value` assignment of a script, in order (for `$buildDeps`-style lists).
pub(crate) fn assignments(cmds: &[Command]) -> Vec<(String, String)> {
    cmds.iter()
        .flat_map(|c| c.assignments.iter().cloned())
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(script: &str) -> Vec<Vec<String>> {
        commands(script).into_iter().map(|c| c.words).collect()
    }

    #[test]
    fn splits_commands_and_drops_redirections() {
        assert_eq!(
            words(
                "apt-get update -qq >/dev/null 2>&1 && apt-get install -y \"curl\" git; echo done # note"
            ),
            vec![
                vec!["apt-get", "update", "-qq"],
                vec!["apt-get", "install", "-y", "curl", "git"],
                vec!["echo", "done"],
            ]
        );
        let cmds = commands("curl -fsSL https://x.io/i.sh | sudo -E bash -s -- -y");
        assert!(cmds[1].piped && !cmds[0].piped);
        assert_eq!(cmds[1].program(), "bash");
        let cmds = commands("DEBIAN_FRONTEND=noninteractive apt-get install -y tzdata");
        assert_eq!(cmds[0].assignments[0].0, "DEBIAN_FRONTEND");
        assert_eq!(cmds[0].program(), "apt-get");
    }

    #[test]
    fn keeps_substitutions_in_one_word() {
        let c = commands("sh -c \"$(curl -fsSL https://x.io/i.sh)\" && echo $(a | b)");
        assert_eq!(c.len(), 2);
        assert_eq!(c[1].words, vec!["echo", "$(a | b)"]);
    }

    #[test]
    fn heredoc_scripts() {
        let df = vouch_workspace::dockerfile::parse(&vouch_workspace::SourceText::new(
            "Dockerfile",
            "FROM a:1\nRUN <<EOF\napk add curl\nEOF\nRUN python3 <<EOF\nprint('curl | sh')\nEOF\nRUN cat <<EOF > /etc/x.conf\nsudo=1\nEOF\n"
                .to_string(),
        ))
        .unwrap();
        assert_eq!(run_script(&df.instructions[1]), "apk add curl");
        assert_eq!(run_script(&df.instructions[2]), "python3 <<EOF");
        assert_eq!(run_script(&df.instructions[3]), "cat <<EOF > /etc/x.conf");
    }

    #[test]
    fn expands_script_variables() {
        let cmds = commands("buildDeps='gcc make' && apt-get install -y $buildDeps");
        let vars = assignments(&cmds);
        assert_eq!(
            expand_word("$buildDeps", &vars, &Default::default()).as_deref(),
            Some("gcc make")
        );
    }
}
