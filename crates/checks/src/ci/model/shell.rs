//! Just enough of POSIX sh to find the commands a CI script runs: comments, quotes, line
//! continuations, here-documents, `&&`/`||`/`;`/`|` lists, leading assignments and shell
//! keywords. Each command keeps its position so evidence can quote the exact line.

/// One simple command of a script.
#[derive(Clone, Debug, PartialEq)]
pub struct ShellCmd {
    /// 1-based line of the script where the command starts.
    pub line: usize,
    /// 1-based column (characters) within that line.
    pub column: usize,
    /// The command as written (without the list operator that follows it).
    pub text: String,
    /// Unquoted words, leading assignments removed.
    pub words: Vec<String>,
    /// Leading `NAME=value` assignments.
    pub env: Vec<(String, String)>,
    /// How a failure of this command is ignored (`|| true`), if it is.
    pub tolerated: Option<String>,
}

/// State carried from one chunk of a script to the next (GitLab runs every `script:` item in
/// the same shell, so `cd` and `set +e` persist).
#[derive(Clone, Debug, Default)]
pub struct ShellState {
    /// `set +e` in effect: failures do not stop the script.
    pub errexit_off: bool,
    /// Text of the chunks that follow in the same shell (GitLab `script:` items), so a
    /// `status=$?` there still counts as checking the exit code.
    pub lookahead: String,
}

#[derive(Clone, Debug, PartialEq)]
enum Tok {
    Word {
        text: String,
        raw: String,
        at: usize,
    },
    Op(&'static str),
}

/// Splits a script into commands. Lines are numbered from 1 within `script`.
pub fn commands(script: &str, state: &mut ShellState) -> Vec<ShellCmd> {
    commands_nested(script, state, 0)
}

/// Nested `$(...)` deeper than this are not looked into (hostile input stays bounded).
const MAX_SUBSTITUTION_DEPTH: u8 = 6;

fn commands_nested(script: &str, state: &mut ShellState, depth: u8) -> Vec<ShellCmd> {
    let mut out = Vec::new();
    for logical in logical_lines(script) {
        let (toks, _) = tokenize(&logical.text);
        let cmds = split_list(&toks);
        let state_lookahead = state.lookahead.clone();
        let rest_handles_status = |from: usize| {
            let tail = &script[logical.byte_end.min(script.len())..];
            let here = logical.text.get(from..).unwrap_or("");
            [here, tail, state_lookahead.as_str()]
                .iter()
                .any(|t| t.contains("$?") || t.contains("PIPESTATUS"))
        };
        for (i, cmd) in cmds.iter().enumerate() {
            let Some(first_at) = cmd.words.first().map(|w| w.2) else {
                continue;
            };
            // Commands inside `$(...)` run too (`total=$(go tool cover -func=c.out | tail -1)`).
            for (_, raw, at) in cmd.words.iter().filter(|_| depth < MAX_SUBSTITUTION_DEPTH) {
                for inner in substitutions(raw) {
                    let (line, column) = logical.position(*at);
                    for mut sub in commands_nested(&inner, &mut ShellState::default(), depth + 1) {
                        sub.line = line;
                        sub.column = column;
                        out.push(sub);
                    }
                }
            }
            let words: Vec<String> = cmd.words.iter().map(|w| w.0.clone()).collect();
            let (env, words) = split_env(words);
            let words = strip_keywords(words);
            if words.is_empty() {
                continue;
            }
            if words[0] == "set" {
                apply_set(&words, state);
            }
            let last = cmd
                .words
                .last()
                .map(|w| w.2 + w.1.len())
                .unwrap_or(first_at);
            // The text starts at the command itself, after `if`, `!`, `{` and the like.
            let skipped = cmd.words.len() - env.len() - words.len();
            let start = match cmd.words.get(skipped) {
                Some(w) if env.is_empty() => w.2,
                _ => first_at,
            };
            let text = logical.text[start..last.min(logical.text.len())].to_string();
            let mut tolerated = None;
            if cmd.next_op == Some("||")
                && let Some(next) = cmds.get(i + 1)
            {
                {
                    let rest = next
                        .words
                        .first()
                        .map(|w| &logical.text[w.2..])
                        .unwrap_or("");
                    if is_tolerant_fallback(rest) {
                        tolerated = Some(format!(
                            "|| {}",
                            rest.split(['&', '|', ';']).next().unwrap_or("").trim()
                        ));
                    }
                }
            }
            if tolerated.is_none()
                && state.errexit_off
                && words[0] != "set"
                && !rest_handles_status(last)
            {
                tolerated = Some("set +e".to_string());
            }
            let (line, column) = logical.position(start);
            out.push(ShellCmd {
                line,
                column,
                text,
                words,
                env,
                tolerated,
            });
        }
    }
    out
}

/// The scripts of the `$(...)` command substitutions in a raw word (not `$((...))` arithmetic).
fn substitutions(raw: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut rest = raw;
    while let Some(at) = rest.find("$(") {
        let after = &rest[at + 1..];
        if let Some(arith) = after.strip_prefix("((") {
            rest = arith;
            continue;
        }
        let chars: Vec<(usize, char)> = after.char_indices().collect();
        let (text, len) = balanced(&chars, '(', ')');
        if text.len() >= 2 {
            out.push(text[1..text.len() - 1].to_string());
        }
        let consumed = chars.get(len).map_or(after.len(), |x| x.0);
        rest = &after[consumed..];
    }
    out
}

fn apply_set(words: &[String], state: &mut ShellState) {
    let mut args = words[1..].iter().peekable();
    while let Some(a) = args.next() {
        if a == "-o" || a == "+o" {
            if args.next().map(String::as_str) == Some("errexit") {
                state.errexit_off = a == "+o";
            }
        } else if let Some(flags) = a.strip_prefix('+') {
            if flags.contains('e') {
                state.errexit_off = true;
            }
        } else if let Some(flags) = a.strip_prefix('-')
            && flags.contains('e')
        {
            state.errexit_off = false;
        }
    }
}

/// `|| true`, `|| :`, `|| exit 0`, `|| echo "..."` swallow the failure; `|| { echo; exit 1; }` does not.
fn is_tolerant_fallback(rest: &str) -> bool {
    let r = rest.trim_start_matches(['{', '(', ' ']).trim_start();
    let first = r.split_whitespace().next().unwrap_or("");
    let tolerant_start = matches!(first, "true" | ":" | "/bin/true" | "echo" | "printf")
        || r.starts_with("exit 0")
        || r.starts_with("return 0");
    let fails_later = r.contains("exit 1")
        || r.contains("exit $")
        || r.contains("exit \"$")
        || r.split_whitespace().any(|w| w == "false" || w == "false;")
        || (r.contains("exit ") && !r.contains("exit 0"));
    tolerant_start && !fails_later
}

fn split_env(words: Vec<String>) -> (Vec<(String, String)>, Vec<String>) {
    let mut env = Vec::new();
    let mut rest = words.into_iter().peekable();
    while let Some(w) = rest.peek() {
        match w.split_once('=') {
            Some((k, v))
                if !k.is_empty()
                    && k.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                    && !k.starts_with(|c: char| c.is_ascii_digit()) =>
            {
                env.push((k.to_string(), v.to_string()));
                rest.next();
            }
            _ => break,
        }
    }
    (env, rest.collect())
}

fn strip_keywords(mut words: Vec<String>) -> Vec<String> {
    loop {
        match words.first().map(String::as_str) {
            Some("if" | "then" | "else" | "elif" | "do" | "while" | "until" | "!" | "{" | "(") => {
                words.remove(0);
            }
            Some(
                "fi" | "done" | "esac" | "}" | ")" | "for" | "case" | "function" | "select" | ";;",
            ) => return Vec::new(),
            _ => return words,
        }
    }
}

/// A command of a list with the operator that follows it.
struct ListCmd {
    /// (unquoted text, raw text, byte offset in the logical line)
    words: Vec<(String, String, usize)>,
    next_op: Option<&'static str>,
}

fn split_list(toks: &[Tok]) -> Vec<ListCmd> {
    let mut out = Vec::new();
    let mut cur = Vec::new();
    for t in toks {
        match t {
            Tok::Word { text, raw, at } => cur.push((text.clone(), raw.clone(), *at)),
            Tok::Op(op) => {
                if *op == "(" || *op == ")" {
                    if !cur.is_empty() {
                        out.push(ListCmd {
                            words: std::mem::take(&mut cur),
                            next_op: Some(";"),
                        });
                    }
                    continue;
                }
                out.push(ListCmd {
                    words: std::mem::take(&mut cur),
                    next_op: Some(op),
                });
            }
        }
    }
    if !cur.is_empty() {
        out.push(ListCmd {
            words: cur,
            next_op: None,
        });
    }
    out
}

/// A logical line: physical lines joined at `\` continuations, comments removed later by the
/// tokenizer. `pieces` maps offsets in `text` back to (line, column) of the script.
struct Logical {
    text: String,
    /// (byte offset in text, 1-based line, 1-based column of that offset)
    pieces: Vec<(usize, usize, usize)>,
    /// Byte offset in the script just after this logical line.
    byte_end: usize,
}

impl Logical {
    fn position(&self, at: usize) -> (usize, usize) {
        let (start, line, col) = self
            .pieces
            .iter()
            .rev()
            .find(|(s, _, _)| *s <= at)
            .copied()
            .unwrap_or((0, 1, 1));
        let chars = self.text.get(start..at).map_or(0, |s| s.chars().count());
        (line, col + chars)
    }
}

fn logical_lines(script: &str) -> Vec<Logical> {
    let mut out = Vec::new();
    let mut cur: Option<Logical> = None;
    let mut heredoc: Option<(String, bool)> = None;
    let mut offset = 0;
    for (idx, raw) in script.split('\n').enumerate() {
        let line_no = idx + 1;
        let line = raw.strip_suffix('\r').unwrap_or(raw);
        offset += raw.len() + 1;
        if let Some((delim, strip_tabs)) = &heredoc {
            let l = if *strip_tabs {
                line.trim_start_matches('\t')
            } else {
                line
            };
            if l.trim_end() == delim {
                heredoc = None;
            }
            continue;
        }
        let continued = line.ends_with('\\') && !line.ends_with("\\\\");
        let body = if continued {
            &line[..line.len() - 1]
        } else {
            line
        };
        let lg = cur.get_or_insert_with(|| Logical {
            text: String::new(),
            pieces: Vec::new(),
            byte_end: 0,
        });
        lg.pieces.push((lg.text.len(), line_no, 1));
        lg.text.push_str(body);
        if continued {
            lg.text.push(' ');
            continue;
        }
        let mut done = cur.take().expect("current logical line");
        done.byte_end = offset.min(script.len());
        heredoc = heredoc_start(&done.text);
        out.push(done);
    }
    if let Some(mut lg) = cur {
        lg.byte_end = script.len();
        out.push(lg);
    }
    out
}

/// `cat <<EOF`, `<<-'EOF'`, `<< "END"` (not `<<<`): the delimiter and whether tabs are stripped.
fn heredoc_start(line: &str) -> Option<(String, bool)> {
    tokenize(line).1
}

/// Tokenizes one logical line: words (quotes removed, positions kept) and operators.
/// Redirections are dropped with their targets; a here-document's delimiter is returned apart.
fn tokenize(line: &str) -> (Vec<Tok>, Option<(String, bool)>) {
    let chars: Vec<(usize, char)> = line.char_indices().collect();
    let mut toks = Vec::new();
    let mut heredoc = None;
    let mut i = 0;
    // What to do with the next word: drop it (a redirection target) or keep it as the
    // here-document delimiter (`Some(strip_tabs)`).
    let mut target: Option<Option<bool>> = None;
    while i < chars.len() {
        let (at, c) = chars[i];
        if c.is_whitespace() {
            i += 1;
            continue;
        }
        if c == '#' {
            break;
        }
        let next = chars.get(i + 1).map(|x| x.1);
        let op: Option<&'static str> = match (c, next) {
            ('&', Some('&')) => Some("&&"),
            ('|', Some('|')) => Some("||"),
            (';', Some(';')) => Some(";;"),
            ('&', Some('>')) => None,
            ('&', _) => Some("&"),
            ('|', _) => Some("|"),
            (';', _) => Some(";"),
            ('(', _) => Some("("),
            (')', _) => Some(")"),
            _ => None,
        };
        if let Some(op) = op {
            toks.push(Tok::Op(op));
            i += op.len();
            continue;
        }
        if c == '<' || c == '>' || (c == '&' && next == Some('>')) {
            let (op, len) = redirection(&chars[i..]);
            i += len;
            let fd_dup = (op == ">&" || op == "<&")
                && chars
                    .get(i)
                    .is_some_and(|x| x.1.is_ascii_digit() || x.1 == '-');
            if fd_dup {
                i += 1;
            } else {
                target = Some((op == "<<" || op == "<<-").then_some(op == "<<-"));
            }
            continue;
        }
        let (text, len) = read_word(&chars[i..]);
        let end_at = chars.get(i + len).map_or(line.len(), |x| x.0);
        let raw = line[at..end_at].to_string();
        i += len;
        // `2>&1`, `2>/dev/null`: digits directly followed by a redirection are a descriptor.
        if text.chars().all(|d| d.is_ascii_digit())
            && chars.get(i).is_some_and(|x| x.1 == '>' || x.1 == '<')
        {
            continue;
        }
        if let Some(kind) = target.take() {
            if let Some(strip_tabs) = kind {
                heredoc = Some((text, strip_tabs));
            }
            continue;
        }
        if raw == "}" {
            toks.push(Tok::Op(";"));
            continue;
        }
        toks.push(Tok::Word { text, raw, at });
    }
    (toks, heredoc)
}

fn redirection(chars: &[(usize, char)]) -> (&'static str, usize) {
    let s: String = chars.iter().take(3).map(|x| x.1).collect();
    for op in [
        "<<<", "<<-", "&>>", ">>", "<<", ">&", "<&", "&>", ">|", ">", "<",
    ] {
        if s.starts_with(op) {
            return (op, op.len());
        }
    }
    (">", 1)
}

/// Reads one word starting at `chars[0]`: returns its unquoted text and its length in chars.
fn read_word(chars: &[(usize, char)]) -> (String, usize) {
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i].1;
        match c {
            c if c.is_whitespace() => break,
            ';' | '&' | '|' | '<' | '>' | ')' => break,
            '(' if out.ends_with('$') => {
                let (inner, len) = balanced(&chars[i..], '(', ')');
                out.push_str(&inner);
                i += len;
            }
            '(' => break,
            '\'' => {
                i += 1;
                while i < chars.len() && chars[i].1 != '\'' {
                    out.push(chars[i].1);
                    i += 1;
                }
                i += 1;
            }
            '"' => {
                i += 1;
                while i < chars.len() && chars[i].1 != '"' {
                    if chars[i].1 == '\\' && i + 1 < chars.len() {
                        i += 1;
                    }
                    if chars[i].1 == '$' && chars.get(i + 1).is_some_and(|x| x.1 == '(') {
                        out.push('$');
                        let (inner, len) = balanced(&chars[i + 1..], '(', ')');
                        out.push_str(&inner);
                        i += 1 + len;
                        continue;
                    }
                    out.push(chars[i].1);
                    i += 1;
                }
                i += 1;
            }
            '\\' => {
                if let Some(n) = chars.get(i + 1) {
                    out.push(n.1);
                }
                i += 2;
            }
            '`' => {
                let (inner, len) = balanced(&chars[i..], '`', '`');
                out.push_str(&inner);
                i += len;
            }
            _ => {
                out.push(c);
                i += 1;
            }
        }
    }
    (out, i.clamp(1, chars.len().max(1)))
}

/// `(...)` with nesting (or a backtick pair): the text including delimiters and its length.
fn balanced(chars: &[(usize, char)], open: char, close: char) -> (String, usize) {
    let mut depth = 0;
    let mut out = String::new();
    let mut quote: Option<char> = None;
    for (i, (_, c)) in chars.iter().enumerate() {
        out.push(*c);
        match quote {
            Some(q) if *c == q => quote = None,
            Some(_) => {}
            None if (*c == '\'' || *c == '"') && open != '`' => quote = Some(*c),
            None if open == close && i > 0 && *c == close => return (out, i + 1),
            None if open == close => {}
            None if *c == open => depth += 1,
            None if *c == close => {
                depth -= 1;
                if depth == 0 {
                    return (out, i + 1);
                }
            }
            None => {}
        }
    }
    (out, chars.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn words(script: &str) -> Vec<Vec<String>> {
        commands(script, &mut ShellState::default())
            .into_iter()
            .map(|c| c.words)
            .collect()
    }

    #[test]
    fn lists_quotes_and_comments() {
        assert_eq!(
            words("pip install -r req.txt && pytest -q --cov=app # run tests\n"),
            vec![
                vec!["pip", "install", "-r", "req.txt"],
                vec!["pytest", "-q", "--cov=app"]
            ]
        );
        assert_eq!(
            words("echo \"run pytest later\""),
            vec![vec!["echo", "run pytest later"]]
        );
        assert_eq!(
            words("# pytest\n  # go test ./...\n"),
            Vec::<Vec<String>>::new()
        );
        assert_eq!(
            words("CI=true FOO='a b' npm test"),
            vec![vec!["npm", "test"]]
        );
    }

    #[test]
    fn continuations_and_positions() {
        let cmds = commands(
            "cd web\nnpx eslint \\\n  --max-warnings 0 src\n",
            &mut ShellState::default(),
        );
        assert_eq!(
            cmds[1].words,
            vec!["npx", "eslint", "--max-warnings", "0", "src"]
        );
        assert_eq!((cmds[1].line, cmds[1].column), (2, 1));
        let cmds = commands("make lint &&  make test", &mut ShellState::default());
        assert_eq!((cmds[1].line, cmds[1].column), (1, 15));
        // Keywords and braces before a command are not part of it.
        let cmds = commands(
            "test -z \"$(gofmt -l .)\" || { gofmt -d .; exit 1; }",
            &mut ShellState::default(),
        );
        let diff = cmds
            .iter()
            .find(|c| c.words[..2] == ["gofmt", "-d"])
            .unwrap();
        assert_eq!((diff.text.as_str(), diff.column), ("gofmt -d .", 30));
        let cmds = commands(
            "if ! CI=1 npm test; then exit 1; fi",
            &mut ShellState::default(),
        );
        assert_eq!(cmds[0].text, "CI=1 npm test");
    }

    #[test]
    fn heredoc_bodies_are_not_commands() {
        assert_eq!(
            words("cat <<EOF > conf\npytest\nEOF\ngo test ./...\n"),
            vec![vec!["cat"], vec!["go", "test", "./..."]]
        );
    }

    #[test]
    fn tolerated_failures() {
        let c = commands(
            "pip-audit || true\nrm -f x || :\npytest || { echo failed; exit 1; }\n",
            &mut ShellState::default(),
        );
        assert_eq!(c[0].tolerated.as_deref(), Some("|| true"));
        assert_eq!(c[2].tolerated.as_deref(), Some("|| :"));
        assert_eq!(c[4].tolerated, None);
        let mut st = ShellState::default();
        let c = commands("set +e\nbandit -r app\nset -e\npytest\n", &mut st);
        assert_eq!(c[1].tolerated.as_deref(), Some("set +e"));
        assert_eq!(c[3].tolerated, None);
        let c = commands(
            "set +e\nbandit -r app\nrc=$?\nset -e\nexit $rc\n",
            &mut ShellState::default(),
        );
        assert_eq!(c[1].tolerated, None);
    }

    #[test]
    fn malformed_scripts_do_not_panic() {
        for s in [
            "echo 'unterminated",
            "echo \"unterminated",
            "$(",
            "`",
            "a \\",
            "cat <<",
            "x=$((",
            "é ñ ✓ && ü",
            "|| ;; && |",
            "(((",
            ")))",
            "{ }",
            "2>",
            "&>",
            "<<<",
            "a\\\nb\\",
            "$(a $(b $(c",
        ] {
            let _ = commands(s, &mut ShellState::default());
        }
    }

    #[test]
    fn deep_substitutions_are_bounded() {
        let script = format!("echo {}x{}", "$(".repeat(5000), ")".repeat(5000));
        let cmds = commands(&script, &mut ShellState::default());
        assert!(cmds.len() <= 8);
    }

    #[test]
    fn command_substitutions() {
        assert_eq!(
            words("total=$(go tool cover -func=c.out | tail -1)"),
            vec![
                vec!["go", "tool", "cover", "-func=c.out"],
                vec!["tail", "-1"]
            ]
        );
        assert_eq!(words("echo $((1 + 2))"), vec![vec!["echo", "$((1 + 2))"]]);
    }

    #[test]
    fn subshells_and_keywords() {
        assert_eq!(
            words("if [ -z \"$(gofmt -l .)\" ]; then echo ok; fi"),
            vec![
                vec!["gofmt", "-l", "."],
                vec!["[", "-z", "$(gofmt -l .)", "]"],
                vec!["echo", "ok"]
            ]
        );
        assert_eq!(
            words("(cd api && go test ./...) 2>&1 | tee out.txt"),
            vec![
                vec!["cd", "api"],
                vec!["go", "test", "./..."],
                vec!["tee", "out.txt"]
            ]
        );
    }
}
