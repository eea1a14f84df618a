//! The R25 schema as the sandbox checks requests by it: a model of the XSD subset BroadWorks'
//! OCI-P schema uses (complex types with `xs:sequence`/`xs:choice` and `xs:extension`, elements
//! with minOccurs/maxOccurs/nillable, simple types restricting a built-in with enumeration,
//! length, minLength, maxLength, minInclusive, maxInclusive, pattern and whiteSpace), read once,
//! on first use, from the vendored R25 XSDs embedded at compile time.
//!
//! Why a model of the schema instead of more hand-written checks: the checks were written
//! command by command from reading the schema, and a reading can miss what the schema says
//! (the `command` element's nillability was missed). Checking every request against the schema
//! itself covers every element of every command the sandbox serves, including commands added
//! later. The decoders still turn the checked elements into typed requests.
//!
//! Only the types of the commands the sandbox serves are embedded (`FILES`, cut out of
//! `tests/fixtures/ocip/r25/` by `build.rs` from the dispatch table), so a command added to the
//! table is checked with no further step.

mod check;
mod read;

pub(crate) use check::{check_command, check_document};

use std::collections::HashMap;
use std::sync::OnceLock;

/// One embedded schema cut: its name, whether its target namespace is `C` (the protocol core),
/// and its text.
struct File {
    path: &'static str,
    core: bool,
    text: &'static str,
}

/// The part of R25 embedded, cut by `build.rs`: the protocol core, and every type reachable
/// from the request types the sandbox serves (and the types derived from those, which
/// `xsi:type` may name), without documentation.
const FILES: &[File] = &[
    File {
        path: "r25-core.xsd",
        core: true,
        text: include_str!(concat!(env!("OUT_DIR"), "/r25-core.xsd")),
    },
    File {
        path: "r25-served.xsd",
        core: false,
        text: include_str!(concat!(env!("OUT_DIR"), "/r25-served.xsd")),
    },
];

/// How often a particle may occur: `max` None is unbounded.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Occurs {
    /// minOccurs.
    pub min: u32,
    /// maxOccurs; None for `unbounded`.
    pub max: Option<u32>,
}

/// A type reference: an XSD built-in (`xs:int`), a named type (qualified key, `C:` for the
/// core namespace) or an anonymous type declared in place.
#[derive(Debug, Clone)]
pub enum TypeRef {
    /// A built-in type by local name (`int`, `token`, ...).
    Builtin(String),
    /// A named type by its key in [`Schema`].
    Named(String),
    /// A type declared inside the element or restriction.
    Anonymous(Box<Type>),
}

/// An element declaration inside a content model.
#[derive(Debug, Clone)]
pub struct ElementDecl {
    /// Local name.
    pub name: String,
    /// Its type.
    pub ty: TypeRef,
    /// minOccurs / maxOccurs.
    pub occurs: Occurs,
    /// `nillable="true"`.
    pub nillable: bool,
}

/// A content model particle.
#[derive(Debug, Clone)]
pub enum Particle {
    /// One element declaration.
    Element(ElementDecl),
    /// `xs:sequence`: the items in order.
    Sequence(Vec<Particle>, Occurs),
    /// `xs:choice`: one of the items.
    Choice(Vec<Particle>, Occurs),
}

impl Particle {
    /// The particle's minOccurs/maxOccurs.
    pub fn occurs(&self) -> Occurs {
        match self {
            Particle::Element(d) => d.occurs,
            Particle::Sequence(_, o) | Particle::Choice(_, o) => *o,
        }
    }
}

/// A complex type: element-only content (own particle after the base's, for an extension) or
/// simple content.
#[derive(Debug, Clone, Default)]
pub struct Complex {
    /// `abstract="true"`: an instance must name a derived type with `xsi:type`.
    pub is_abstract: bool,
    /// The base type's key for `complexContent/extension`.
    pub extends: Option<String>,
    /// The base type's key for `complexContent/restriction` (the content is replaced).
    pub restricts: Option<String>,
    /// The type's own content model.
    pub particle: Option<Particle>,
    /// For `simpleContent`: the type of the text.
    pub simple_content: Option<TypeRef>,
}

/// Facets of one simple-type restriction step.
#[derive(Debug, Clone, Default)]
pub struct Facets {
    /// xs:enumeration values (the value must be one of them when non-empty).
    pub enumeration: Vec<String>,
    /// xs:length.
    pub length: Option<usize>,
    /// xs:minLength.
    pub min_length: Option<usize>,
    /// xs:maxLength.
    pub max_length: Option<usize>,
    /// xs:minInclusive (as written).
    pub min_inclusive: Option<String>,
    /// xs:maxInclusive (as written).
    pub max_inclusive: Option<String>,
    /// xs:pattern values (one step's patterns are alternatives).
    pub patterns: Vec<String>,
    /// xs:whiteSpace.
    pub white_space: Option<String>,
}

/// A simple type: a restriction of a base with facets.
#[derive(Debug, Clone)]
pub struct Simple {
    /// The restricted base type.
    pub base: TypeRef,
    /// The facets this step adds.
    pub facets: Facets,
}

/// A named or anonymous type.
#[derive(Debug, Clone)]
pub enum Type {
    /// complexType.
    Complex(Complex),
    /// simpleType.
    Simple(Simple),
}

/// The embedded part of the R25 schema: named types by key (`Name`, or `C:Name` for the core
/// namespace) and the global element `BroadsoftDocument`.
#[derive(Debug, Default)]
pub struct Schema {
    types: HashMap<String, Type>,
    document: Option<ElementDecl>,
}

impl Schema {
    /// A named type by key.
    pub fn get(&self, key: &str) -> Option<&Type> {
        self.types.get(key)
    }

    /// Every named type's key (in no particular order).
    pub fn keys(&self) -> impl Iterator<Item = &str> {
        self.types.keys().map(String::as_str)
    }

    /// The key of a type named by an instance's `xsi:type` value: no-namespace types first
    /// (requests), then the core's (`c:SuccessResponse`).
    pub fn key_of_xsi_type(&self, value: &str) -> Option<String> {
        let local = value.rsplit(':').next().unwrap_or(value).trim();
        [local.to_string(), format!("C:{local}")]
            .into_iter()
            .find(|k| self.types.contains_key(k))
    }

    /// The declaration of the document root, `BroadsoftDocument`.
    pub fn document(&self) -> Option<&ElementDecl> {
        self.document.as_ref()
    }

    /// The declaration every `<command>` stands under: not nillable, abstract `OCICommand`.
    pub fn command_decl(&self) -> Option<&ElementDecl> {
        let Some(Type::Complex(c)) = self.get("C:OCIMessage") else {
            return None;
        };
        fn find(p: &Particle) -> Option<&ElementDecl> {
            match p {
                Particle::Element(d) if d.name == "command" => Some(d),
                Particle::Element(_) => None,
                Particle::Sequence(items, _) | Particle::Choice(items, _) => {
                    items.iter().find_map(find)
                }
            }
        }
        c.particle.as_ref().and_then(find)
    }

    /// Whether type `key` is `ancestor` or derived from it.
    pub fn derives_from(&self, key: &str, ancestor: &str) -> bool {
        let mut k = Some(key.to_string());
        while let Some(cur) = k {
            if cur == ancestor {
                return true;
            }
            k = match self.get(&cur) {
                Some(Type::Complex(c)) => c.extends.clone().or_else(|| c.restricts.clone()),
                Some(Type::Simple(Simple {
                    base: TypeRef::Named(b),
                    ..
                })) => Some(b.clone()),
                _ => None,
            };
        }
        false
    }

    /// The content model of a complex type with its bases': the base's particles first, as an
    /// extension reads.
    pub fn content(&self, key: &str) -> Vec<&Particle> {
        let mut chain = Vec::new();
        let mut k = Some(key.to_string());
        while let Some(cur) = k {
            k = None;
            if let Some(Type::Complex(c)) = self.get(&cur) {
                chain.push(c.particle.as_ref());
                k = c.extends.clone();
            }
        }
        chain.into_iter().rev().flatten().collect()
    }
}

/// The schema, read from the embedded files on first use.
pub fn schema() -> &'static Schema {
    static SCHEMA: OnceLock<Schema> = OnceLock::new();
    SCHEMA.get_or_init(|| {
        let mut s = Schema::default();
        for f in FILES {
            // The embedded files are fixed at compile time and read by this crate's tests: a
            // file that does not parse is a build defect, reported and skipped (its types then
            // fail the checks as unknown) rather than a panic in a server.
            if let Err(e) = read::read_file(&mut s, f.text, f.core) {
                tracing::error!("sandbox: schema file {} unreadable: {e}", f.path);
            }
        }
        s
    })
}

#[cfg(test)]
mod tests;
