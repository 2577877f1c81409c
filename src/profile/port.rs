//! The interactive flow's redirect ports: one port or a list of ports and ranges
//! (`3000,3100-3110`), tried in order. A profile stores the list as it was given (one port
//! as a number, as profiles written before lists existed have it), so that what a person
//! registered with their identity provider reads back the same.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

/// At most this many ports are tried: a range like `1-65535` is a typo, not a plan, and
/// each try is a bind.
pub const MAX_PORTS: usize = 1000;

/// Ports to try, in order, as inclusive ranges (a single port is a range of one).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PortSpec(Vec<(u16, u16)>);

impl PortSpec {
    pub fn single(port: u16) -> PortSpec {
        PortSpec(vec![(port, port)])
    }

    /// The one port, when only one is given.
    pub fn as_single(&self) -> Option<u16> {
        match self.0.as_slice() {
            [(a, b)] if a == b => Some(*a),
            _ => None,
        }
    }

    /// Every port, in the order given, each once.
    pub fn ports(&self) -> Vec<u16> {
        let mut out: Vec<u16> = Vec::new();
        for &(a, b) in &self.0 {
            for p in a..=b {
                if !out.contains(&p) {
                    out.push(p);
                }
            }
        }
        out
    }

    /// The first port, for showing a redirect URI.
    pub fn first(&self) -> u16 {
        self.0.first().map_or(0, |r| r.0)
    }
}

impl fmt::Display for PortSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let parts: Vec<String> = self
            .0
            .iter()
            .map(|&(a, b)| {
                if a == b {
                    a.to_string()
                } else {
                    format!("{a}-{b}")
                }
            })
            .collect();
        f.write_str(&parts.join(","))
    }
}

impl FromStr for PortSpec {
    type Err = String;

    fn from_str(text: &str) -> Result<PortSpec, String> {
        let port = |t: &str| -> Result<u16, String> {
            match t.trim().parse::<u16>() {
                Ok(p) if p > 0 => Ok(p),
                _ => Err(format!("'{}' is not a port (1-65535)", t.trim())),
            }
        };
        let mut ranges = Vec::new();
        for part in text.split(',') {
            let part = part.trim();
            if part.is_empty() {
                return Err(format!(
                    "'{text}' has an empty entry; give ports like 3000,3100-3110"
                ));
            }
            let range = match part.split_once('-') {
                Some((a, b)) => (port(a)?, port(b)?),
                None => (port(part)?, port(part)?),
            };
            if range.0 > range.1 {
                return Err(format!("'{part}' is a range that runs backwards"));
            }
            ranges.push(range);
        }
        let spec = PortSpec(ranges);
        let count = spec
            .0
            .iter()
            .map(|&(a, b)| usize::from(b - a) + 1)
            .sum::<usize>();
        if count > MAX_PORTS {
            return Err(format!(
                "'{text}' names {count} ports; give at most {MAX_PORTS}"
            ));
        }
        Ok(spec)
    }
}

impl Serialize for PortSpec {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        match self.as_single() {
            Some(p) => s.serialize_u16(p),
            None => s.serialize_str(&self.to_string()),
        }
    }
}

impl<'de> Deserialize<'de> for PortSpec {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<PortSpec, D::Error> {
        #[derive(Deserialize)]
        #[serde(untagged)]
        enum NumOrText {
            Num(i64),
            Text(String),
        }
        let text = match NumOrText::deserialize(d)? {
            NumOrText::Num(n) => n.to_string(),
            NumOrText::Text(t) => t,
        };
        text.parse().map_err(serde::de::Error::custom)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lists_and_ranges_parse_in_order_and_print_as_given() {
        let spec: PortSpec = "3000,3100-3103, 3001".parse().unwrap();
        assert_eq!(spec.ports(), [3000, 3100, 3101, 3102, 3103, 3001]);
        assert_eq!(spec.to_string(), "3000,3100-3103,3001");
        assert_eq!(spec.first(), 3000);
        assert_eq!(spec.as_single(), None);
        let one: PortSpec = "53123".parse().unwrap();
        assert_eq!(one.as_single(), Some(53123));
        assert_eq!(one.ports(), [53123]);
    }

    #[test]
    fn bad_lists_are_refused_with_the_reason() {
        for (text, reason) in [
            ("0", "not a port"),
            ("65536", "not a port"),
            ("3000,", "empty entry"),
            ("3100-3000", "backwards"),
            ("a-b", "not a port"),
            ("1-65535", "at most"),
        ] {
            let e = text.parse::<PortSpec>().unwrap_err();
            assert!(e.contains(reason), "{text}: {e}");
        }
    }

    #[test]
    fn toml_keeps_a_single_port_a_number_and_a_list_a_string() {
        #[derive(Serialize, Deserialize, PartialEq, Debug)]
        struct P {
            port: PortSpec,
        }
        let one = P {
            port: PortSpec::single(53123),
        };
        assert_eq!(toml::to_string(&one).unwrap().trim(), "port = 53123");
        let list = P {
            port: "3000,3100-3110".parse().unwrap(),
        };
        let text = toml::to_string(&list).unwrap();
        assert_eq!(text.trim(), "port = \"3000,3100-3110\"");
        assert_eq!(toml::from_str::<P>(&text).unwrap(), list);
        assert_eq!(
            toml::from_str::<P>("port = 8080").unwrap().port.ports(),
            [8080]
        );
        assert!(toml::from_str::<P>("port = 0").is_err());
        assert!(toml::from_str::<P>("port = 70000").is_err());
    }
}
