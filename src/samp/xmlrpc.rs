//! XML-RPC as SAMP uses it: values are strings, lists and maps (SAMP 1.3 §3.6; other
//! XML-RPC types are read as their text). Calls and responses are written and read here.

use quick_xml::Reader;
use quick_xml::events::Event;

use crate::xml_text::resolve_reference;

#[derive(Clone, Debug, PartialEq)]
pub enum Value {
    Str(String),
    List(Vec<Value>),
    Map(Vec<(String, Value)>),
}

impl Value {
    pub fn str(s: impl Into<String>) -> Value {
        Value::Str(s.into())
    }

    pub fn map(entries: &[(&str, Value)]) -> Value {
        Value::Map(
            entries
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect(),
        )
    }

    pub fn as_str(&self) -> Option<&str> {
        match self {
            Value::Str(s) => Some(s),
            _ => None,
        }
    }

    /// A map's entry.
    pub fn get(&self, key: &str) -> Option<&Value> {
        match self {
            Value::Map(m) => m.iter().find(|(k, _)| k == key).map(|(_, v)| v),
            _ => None,
        }
    }

    fn write(&self, out: &mut String) {
        out.push_str("<value>");
        match self {
            Value::Str(s) => {
                out.push_str("<string>");
                out.push_str(&quick_xml::escape::escape(s.as_str()));
                out.push_str("</string>");
            }
            Value::List(items) => {
                out.push_str("<array><data>");
                for v in items {
                    v.write(out);
                }
                out.push_str("</data></array>");
            }
            Value::Map(entries) => {
                out.push_str("<struct>");
                for (k, v) in entries {
                    out.push_str("<member><name>");
                    out.push_str(&quick_xml::escape::escape(k.as_str()));
                    out.push_str("</name>");
                    v.write(out);
                    out.push_str("</member>");
                }
                out.push_str("</struct>");
            }
        }
        out.push_str("</value>");
    }
}

/// An XML-RPC call's text.
pub fn call_text(method: &str, params: &[Value]) -> String {
    let mut out = String::from("<?xml version=\"1.0\"?>\n<methodCall><methodName>");
    out.push_str(&quick_xml::escape::escape(method));
    out.push_str("</methodName><params>");
    for p in params {
        out.push_str("<param>");
        p.write(&mut out);
        out.push_str("</param>");
    }
    out.push_str("</params></methodCall>\n");
    out
}

/// A successful response's text.
pub fn response_text(value: &Value) -> String {
    let mut out = String::from("<?xml version=\"1.0\"?>\n<methodResponse><params><param>");
    value.write(&mut out);
    out.push_str("</param></params></methodResponse>\n");
    out
}

/// A fault response's text.
pub fn fault_text(message: &str) -> String {
    let mut out = String::from("<?xml version=\"1.0\"?>\n<methodResponse><fault>");
    Value::Map(vec![
        ("faultCode".into(), Value::str("1")),
        ("faultString".into(), Value::str(message)),
    ])
    .write(&mut out);
    out.push_str("</fault></methodResponse>\n");
    out
}

/// A parsed XML element: its name, children and text.
#[derive(Debug, Default)]
struct Node {
    name: String,
    children: Vec<Node>,
    text: String,
}

impl Node {
    fn child(&self, name: &str) -> Option<&Node> {
        self.children.iter().find(|c| c.name == name)
    }
}

fn parse_tree(text: &str) -> Result<Node, String> {
    let mut reader = Reader::from_str(text);
    // The document's root is the one child of a node standing for the document.
    let mut stack: Vec<Node> = vec![Node::default()];
    let unbalanced = || "unbalanced XML-RPC".to_string();
    loop {
        let event = reader.read_event().map_err(|e| {
            format!(
                "malformed XML-RPC near byte {}: {e}",
                reader.error_position()
            )
        })?;
        let open = stack.last_mut().ok_or_else(unbalanced)?;
        match event {
            Event::Start(e) => stack.push(Node {
                name: e.local_name().as_ref().to_string(),
                ..Node::default()
            }),
            Event::Empty(e) => open.children.push(Node {
                name: e.local_name().as_ref().to_string(),
                ..Node::default()
            }),
            Event::End(_) => {
                let node = stack.pop().ok_or_else(unbalanced)?;
                stack.last_mut().ok_or_else(unbalanced)?.children.push(node);
            }
            Event::Text(t) => open.text.push_str(&t),
            Event::CData(t) => open.text.push_str(&t),
            Event::GeneralRef(r) => open.text.push_str(&resolve_reference(&r)?),
            Event::Eof => break,
            _ => {}
        }
    }
    let mut root = stack
        .pop()
        .filter(|_| stack.is_empty())
        .ok_or_else(unbalanced)?;
    root.children
        .pop()
        .ok_or_else(|| "empty XML-RPC document".to_string())
}

fn value_of(node: &Node) -> Result<Value, String> {
    // <value>text</value> is a string; otherwise one typed child.
    let Some(typed) = node.children.first() else {
        return Ok(Value::Str(node.text.clone()));
    };
    Ok(match typed.name.as_str() {
        "array" => Value::List(
            typed
                .child("data")
                .map(|d| d.children.iter().map(value_of).collect::<Result<_, _>>())
                .transpose()?
                .unwrap_or_default(),
        ),
        "struct" => Value::Map(
            typed
                .children
                .iter()
                .map(|m| {
                    let name = m.child("name").ok_or("a struct member without a name")?;
                    let value = m.child("value").ok_or("a struct member without a value")?;
                    Ok((name.text.clone(), value_of(value)?))
                })
                .collect::<Result<_, String>>()?,
        ),
        _ => Value::Str(typed.text.clone()),
    })
}

fn params_of(node: &Node) -> Result<Vec<Value>, String> {
    node.child("params")
        .map(|ps| {
            ps.children
                .iter()
                .map(|p| value_of(p.child("value").ok_or("a param without a value")?))
                .collect()
        })
        .transpose()
        .map(Option::unwrap_or_default)
}

/// A call's method name and parameters.
pub fn parse_call(text: &str) -> Result<(String, Vec<Value>), String> {
    let root = parse_tree(text)?;
    if root.name != "methodCall" {
        return Err(format!(
            "expected an XML-RPC methodCall, got <{}>",
            root.name
        ));
    }
    let method = root
        .child("methodName")
        .ok_or("a methodCall without a methodName")?;
    Ok((method.text.trim().to_string(), params_of(&root)?))
}

/// A response's value; a fault is an error carrying its faultString.
pub fn parse_response(text: &str) -> Result<Value, String> {
    let root = parse_tree(text)?;
    if root.name != "methodResponse" {
        return Err(format!(
            "expected an XML-RPC methodResponse, got <{}>",
            root.name
        ));
    }
    if let Some(fault) = root.child("fault") {
        let v = value_of(fault.child("value").ok_or("a fault without a value")?)?;
        let message = v
            .get("faultString")
            .and_then(Value::as_str)
            .unwrap_or("no message");
        return Err(format!("the hub answered with a fault: {message}"));
    }
    params_of(&root)?
        .into_iter()
        .next()
        .ok_or_else(|| "a methodResponse without a value".to_string())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_round_trip_and_untyped_values_are_strings() {
        let v = Value::map(&[
            ("samp.mtype", Value::str("table.load.votable")),
            (
                "samp.params",
                Value::map(&[("url", Value::str("file:///a&b.vot"))]),
            ),
            (
                "list",
                Value::List(vec![Value::str("x"), Value::List(vec![])]),
            ),
        ]);
        let (method, params) =
            parse_call(&call_text("samp.hub.notify", &[Value::str("k"), v.clone()])).unwrap();
        assert_eq!(method, "samp.hub.notify");
        assert_eq!(params, vec![Value::str("k"), v.clone()]);
        assert_eq!(parse_response(&response_text(&v)).unwrap(), v);
        let untyped =
            "<methodResponse><params><param><value>plain</value></param></params></methodResponse>";
        assert_eq!(parse_response(untyped).unwrap(), Value::str("plain"));
        assert_eq!(
            parse_response(&fault_text("no such client")).unwrap_err(),
            "the hub answered with a fault: no such client"
        );
        assert!(
            parse_response("<html>nonsense</html>")
                .unwrap_err()
                .contains("expected an XML-RPC methodResponse")
        );
        assert!(
            parse_response("<methodResponse><params>")
                .unwrap_err()
                .contains("malformed")
                || parse_response("<methodResponse><params>").is_err()
        );
    }
}
