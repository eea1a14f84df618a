//! Reads one XSD file into the [`Schema`]: its named complex and simple types and its global
//! elements, with type references resolved to keys (`xs:` built-ins, `core:` and the core
//! files' own names in namespace `C`, the rest in no namespace).

use super::{Complex, ElementDecl, Facets, Occurs, Particle, Schema, Simple, Type, TypeRef};
use crate::decode::{parse_tree, Elem};

/// Resolves a QName attribute value written in a file (`core` true for the `C` files).
fn resolve(qname: &str, core: bool) -> TypeRef {
    match qname.split_once(':') {
        Some(("xs", local)) => TypeRef::Builtin(local.to_string()),
        Some((_, local)) => TypeRef::Named(format!("C:{local}")),
        None if core => TypeRef::Named(format!("C:{qname}")),
        None => TypeRef::Named(qname.to_string()),
    }
}

fn key(r: TypeRef) -> Option<String> {
    match r {
        TypeRef::Named(k) => Some(k),
        _ => None,
    }
}

fn occurs(e: &Elem) -> Occurs {
    let min = e
        .attr("minOccurs")
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    let max = match e.attr("maxOccurs") {
        Some("unbounded") => None,
        Some(v) => Some(v.parse().unwrap_or(1)),
        None => Some(1),
    };
    Occurs { min, max }
}

/// Reads one file's text into `s`.
pub(super) fn read_file(s: &mut Schema, text: &str, core: bool) -> Result<(), String> {
    let root = parse_tree(text)?;
    let prefix = if core { "C:" } else { "" };
    for c in &root.children {
        let Some(name) = c.attr("name") else { continue };
        match c.name.as_str() {
            "complexType" => {
                s.types
                    .insert(format!("{prefix}{name}"), Type::Complex(complex(c, core)));
            }
            "simpleType" => {
                s.types
                    .insert(format!("{prefix}{name}"), Type::Simple(simple(c, core)));
            }
            "element" if name == "BroadsoftDocument" => s.document = Some(element(c, core)),
            _ => {}
        }
    }
    Ok(())
}

fn complex(e: &Elem, core: bool) -> Complex {
    let mut c = Complex {
        is_abstract: matches!(e.attr("abstract"), Some("true") | Some("1")),
        ..Complex::default()
    };
    for k in &e.children {
        match k.name.as_str() {
            "sequence" | "choice" => c.particle = Some(particle(k, core)),
            "complexContent" => {
                for d in &k.children {
                    let base = d.attr("base").map(|b| resolve(b, core)).and_then(key);
                    match d.name.as_str() {
                        "extension" => c.extends = base,
                        "restriction" => c.restricts = base,
                        _ => continue,
                    }
                    c.particle = d
                        .children
                        .iter()
                        .find(|g| g.name == "sequence" || g.name == "choice")
                        .map(|g| particle(g, core));
                }
            }
            "simpleContent" => {
                c.simple_content = k
                    .children
                    .iter()
                    .find_map(|d| d.attr("base"))
                    .map(|b| resolve(b, core));
            }
            _ => {}
        }
    }
    c
}

fn particle(e: &Elem, core: bool) -> Particle {
    match e.name.as_str() {
        "element" => Particle::Element(element(e, core)),
        kind => {
            let items = e
                .children
                .iter()
                .filter(|k| matches!(k.name.as_str(), "element" | "sequence" | "choice"))
                .map(|k| particle(k, core))
                .collect();
            if kind == "choice" {
                Particle::Choice(items, occurs(e))
            } else {
                Particle::Sequence(items, occurs(e))
            }
        }
    }
}

fn element(e: &Elem, core: bool) -> ElementDecl {
    let ty = match e.attr("type") {
        Some(t) => resolve(t, core),
        None => e
            .children
            .iter()
            .find_map(|k| match k.name.as_str() {
                "simpleType" => Some(TypeRef::Anonymous(Box::new(Type::Simple(simple(k, core))))),
                "complexType" => Some(TypeRef::Anonymous(Box::new(Type::Complex(complex(
                    k, core,
                ))))),
                _ => None,
            })
            // An element without a type is xs:anyType; nothing in R25 declares one.
            .unwrap_or_else(|| TypeRef::Builtin("anyType".into())),
    };
    ElementDecl {
        name: e.attr("name").unwrap_or_default().to_string(),
        ty,
        occurs: occurs(e),
        nillable: matches!(e.attr("nillable"), Some("true") | Some("1")),
    }
}

fn simple(e: &Elem, core: bool) -> Simple {
    let Some(r) = e.children.iter().find(|k| k.name == "restriction") else {
        // No list or union in R25: anything else reads as an unrestricted string.
        return Simple {
            base: TypeRef::Builtin("string".into()),
            facets: Facets::default(),
        };
    };
    let base = match r.attr("base") {
        Some(b) => resolve(b, core),
        None => r
            .children
            .iter()
            .find(|k| k.name == "simpleType")
            .map(|k| TypeRef::Anonymous(Box::new(Type::Simple(simple(k, core)))))
            .unwrap_or_else(|| TypeRef::Builtin("string".into())),
    };
    let mut f = Facets::default();
    for k in &r.children {
        let v = k.attr("value").unwrap_or_default().to_string();
        let n = || v.trim().parse::<usize>().ok();
        match k.name.as_str() {
            "enumeration" => f.enumeration.push(v.clone()),
            "length" => f.length = n(),
            "minLength" => f.min_length = n(),
            "maxLength" => f.max_length = n(),
            "minInclusive" => f.min_inclusive = Some(v.trim().to_string()),
            "maxInclusive" => f.max_inclusive = Some(v.trim().to_string()),
            "pattern" => f.patterns.push(v.clone()),
            "whiteSpace" => f.white_space = Some(v.trim().to_string()),
            _ => {}
        }
    }
    Simple { base, facets: f }
}
