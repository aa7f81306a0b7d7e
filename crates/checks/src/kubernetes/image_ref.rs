//! Container image references: `registry:5000/team/app:1.2@sha256:...`.

#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ImageRef<'a> {
    pub name: &'a str,
    pub tag: Option<&'a str>,
    pub digest: Option<&'a str>,
}

pub fn parse(image: &str) -> ImageRef<'_> {
    let (rest, digest) = match image.split_once('@') {
        Some((r, d)) => (r, Some(d)),
        None => (image, None),
    };
    // A `:` after the last `/` separates the tag (one before it is a registry port).
    let last_slash = rest.rfind('/').map_or(0, |i| i + 1);
    match rest[last_slash..].rfind(':') {
        Some(i) => ImageRef {
            name: &rest[..last_slash + i],
            tag: Some(&rest[last_slash + i + 1..]),
            digest,
        },
        None => ImageRef {
            name: rest,
            tag: None,
            digest,
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splits_references() {
        assert_eq!(
            parse("localhost:5000/team/api:1.2"),
            ImageRef {
                name: "localhost:5000/team/api",
                tag: Some("1.2"),
                digest: None
            }
        );
        let d = parse("nginx@sha256:abc");
        assert_eq!(
            (d.name, d.tag, d.digest),
            ("nginx", None, Some("sha256:abc"))
        );
        assert_eq!(parse("redis").tag, None);
    }
}
