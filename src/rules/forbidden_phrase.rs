//! `forbidden_phrase`: staff never say 不知道 / 不归我管 / 没办法 ….
//!
//! The matching itself (normalisation, transcript turns, allowed contexts, evidence) is
//! in [`super::phrase`]; this file is the rule kind: parameters, evaluation over the
//! cases table and charging to the speaker.

use std::collections::BTreeMap;

use polars::prelude::*;

use super::config::{RawRule, S};
use super::phrase::{self, Finding, Matcher, PhraseConfig, Scratch};
use super::{Diags, KindInfo, Responsible};
use crate::audit::{EvalCtx, Hit, Outcome};
use crate::input::ColType;

pub static INFO: KindInfo = KindInfo {
    name: "forbidden_phrase",
    doc: "Checks that staff never use the phrases the regulation bans (不知道, 不清楚, 没办法 and
its full form 没有办法, 办不了, 不归我管, 不归我们管, 不懂: 首问责任管理制度 4.7, 标准模板 四.1,
工诚 四).

Text is matched after normalisation: full/half width, whitespace or punctuation between
characters (不 归 我 管, 不-归-我-管) and traditional characters (不歸我管) do not hide a
phrase; sentence punctuation (，。？！；： ? ! ;) ends a clause and is not joined across
(不，知道您不方便 holds no 不知道). In a transcript (`说话人：内容`, one turn per line) only staff turns count: turns
labelled with a customer label (业主, 客户, 住户, 来电人 …) or with the case's own
`customer_name` (王建国：…, its surname alone, 王：…, or a form of address by the surname:
老王, 王阿姨, 王大爷, 王姐; and any 王… when the column itself holds such a form, 王先生),
with a form of address alone (阿姨, 大爷 …; not after a staff post: 保洁阿姨 is staff),
the question of a 问：/答： transcript, or with a phone number
(13912345678：…, 业主13912345678：…) never do — unless that name is also the first responder's or
a roster employee's of the case's center, whose turn it then stays — so a resident
quoting \"他说不归我管\" is not a violation; the resident's own `content` is never
checked. An
occurrence inside an `allow` context (\"不知道您是否方便\", \"如有不清楚的地方\") is not a
violation, nor is staff reporting someone else's words: in quotation marks after a reporting
word (您反映保安说“不归我管”), or unquoted right after a reporting word (说, 讲, 称, 告诉,
告知, 表示, 回复, 答复, 声称, 回答, 反映, 投诉; only 了, 过, a colon or the addressee 您 / 你 /
业主 between) whose subject is a third party or the resident (您反映保安说不知道, 保安告诉您
不归我们管); with the speaker or nobody as subject (我说了不知道, 跟您说了没办法) the words
are the speaker's own. A negated reporting word (不会 / 不能 / 不得 / 决不 / 绝不 / 从不 /
从来不 / 不要 / 别 before it, an addressee 跟您 / 对您 … between) is a promise not to say
them (我们不会说不归我们管, 绝不会跟您说不知道). The speaker's own words are also a whole
reply in quotation marks (王芳：“不归我管”) and scare quotes (我们“没办法”处理).
不清楚 / 不知道 / 不懂 after 您对 in the same clause, with no 我 / 我们 / 咱们 between, is the
resident's not knowing (如果您对流程不清楚，可以随时问我); 没办法 / 办不了 / 不归我管 never are.
One violation per case and speaker, charged to the roster employee whose name
or 工号 labels the turn (客服E012 → E012), else to the first responder when the label is
the front desk's (客服, 前台, 接待, 答 …) or the first responder's exported name, or when
the export names no first responder. Any other speaker no roster names (保安：, 维修师傅：,
张经理：, or a person: a relative, a resident named otherwise than in the customer column)
is charged to no one: the case is listed in not_judged.csv with the words and the label,
for a person to settle.

Example violation: PHRASE-BANNED on C000123, 「…这个不归我管，你去找…」（王芳，第 3 行）.",
    params: &[
        (
            "fields",
            "text columns holding what staff said (default [\"reply\"])",
        ),
        (
            "phrases",
            "the banned phrases (default: the regulation's seven and 没有办法)",
        ),
        (
            "allow",
            "contexts that are not violations (default: a list judged on real replies)",
        ),
        (
            "customer_labels",
            "speaker labels of the resident's turns (default 业主, 客户, 住户, 来电人 …)",
        ),
        (
            "speakers",
            "whose words count: \"staff\" (default: in a transcript only staff turns; the resident's, by label or by the case's customer name, do not) or \"all\" (every line, for a field holding staff's words only)",
        ),
    ],
    responsible: &[Responsible::Speaker, Responsible::FirstResponder],
};

#[derive(Debug, Clone)]
pub struct ForbiddenPhrase {
    pub fields: Vec<String>,
    pub config: PhraseConfig,
    pub matcher: Matcher,
    /// `speakers = "all"`: every line counts, the resident's turns too.
    pub all_speakers: bool,
}

fn list(v: &Option<S<Vec<S<String>>>>, default: &[&str]) -> Vec<String> {
    match v {
        Some(l) => l.get_ref().iter().map(|s| s.get_ref().clone()).collect(),
        None => default.iter().map(|s| s.to_string()).collect(),
    }
}

impl ForbiddenPhrase {
    pub(crate) fn validate(r: &RawRule, d: &mut Diags<'_>) -> Option<ForbiddenPhrase> {
        let mut fields = vec![];
        match &r.fields {
            None => fields.push("reply".to_string()),
            Some(l) => {
                for f in l.get_ref() {
                    let name = f.get_ref().trim();
                    if name == "content" {
                        d.at(
                            f.span(),
                            "`content` is what the resident said and is never checked for staff phrases; use `reply`",
                        );
                        continue;
                    }
                    if let Some(c) = super::case_column(f, Some(ColType::Text), d) {
                        fields.push(c);
                    }
                }
                if l.get_ref().is_empty() {
                    d.at(l.span(), "fields is empty; expected e.g. [\"reply\"]");
                }
            }
        }
        let all_speakers = match &r.speakers {
            None => false,
            Some(v) => match v.get_ref().trim() {
                "staff" => false,
                "all" => {
                    if let Some(l) = &r.customer_labels {
                        d.at(
                            l.span(),
                            "customer_labels has no effect with speakers = \"all\" (every line counts); remove one of them",
                        );
                    }
                    true
                }
                other => {
                    d.at(
                        v.span(),
                        format!("speakers = {other:?}: expected \"staff\" (only staff turns count) or \"all\" (every line counts)"),
                    );
                    false
                }
            },
        };
        // An entry that normalises to nothing, reported at the entry itself.
        let mut entries_ok = true;
        for (what, list) in [
            ("phrase", &r.phrases),
            ("allowed context", &r.allow),
            ("customer label", &r.customer_labels),
        ] {
            for e in list.iter().flat_map(|l| l.get_ref()) {
                if phrase::normalize(e.get_ref()).0.is_empty() {
                    d.at(
                        e.span(),
                        format!(
                            "{what} {:?} is empty once whitespace and punctuation are dropped; expected at least one letter or character to match",
                            e.get_ref()
                        ),
                    );
                    entries_ok = false;
                }
            }
        }
        if let Some(l) = r.phrases.as_ref().filter(|l| l.get_ref().is_empty()) {
            d.at(
                l.span(),
                "phrases is empty; expected at least one banned phrase, e.g. [\"不知道\"]",
            );
            entries_ok = false;
        }
        if !entries_ok {
            return None;
        }
        let config = PhraseConfig {
            phrases: list(&r.phrases, phrase::DEFAULT_PHRASES),
            allow: list(&r.allow, phrase::DEFAULT_ALLOW),
            customer_labels: if all_speakers {
                vec![]
            } else {
                list(&r.customer_labels, phrase::DEFAULT_CUSTOMER_LABELS)
            },
        };
        let matcher = match Matcher::new(&config) {
            Ok(m) => m,
            // Each entry was checked above; what is left (the matcher cannot be built)
            // is of the rule as a whole.
            Err(e) => {
                d.at(r.kind.span(), e);
                return None;
            }
        };
        (!fields.is_empty()).then_some(ForbiddenPhrase {
            fields,
            config,
            matcher,
            all_speakers,
        })
    }

    pub fn describe(&self) -> String {
        format!(
            "  fields           {}\n  phrases          {}\n  allow            {}\n  customer_labels  {}\n  speakers         {}\n",
            self.fields.join(", "),
            self.config.phrases.join("、"),
            self.config.allow.join("、"),
            self.config.customer_labels.join("、"),
            if self.all_speakers { "all" } else { "staff" }
        )
    }

    /// One pass over the text columns of the cases that pass `when`.
    pub fn evaluate(&self, ctx: &EvalCtx<'_>, base: LazyFrame) -> PolarsResult<Outcome> {
        let df = base.select([col("__row")]).collect()?;
        let rows: Vec<u32> = df.column("__row")?.u32()?.into_no_null_iter().collect();
        let names = NameIndex::new(ctx);
        let first = ctx.cases.text("first_responder_id");
        let centers = ctx.cases.text("center");
        let customers = ctx.cases.text("customer_name");
        let responders = ctx.cases.text("first_responder");
        let texts: Vec<&crate::input::TextCol> =
            self.fields.iter().map(|f| ctx.cases.text(f)).collect();
        let mut scratch = Scratch::new();
        let mut found: Vec<Finding> = vec![];
        let mut hits = vec![];
        let mut not_judged: Vec<(String, String)> = vec![];
        let mut unjudged: Vec<u32> = vec![];
        for &row in &rows {
            let r = row as usize;
            // Speaker → findings, in order of first appearance.
            let mut by_speaker: Vec<(Option<String>, Vec<Finding>)> = vec![];
            for col in &texts {
                let Some(text) = col.get(r) else {
                    continue;
                };
                found.clear();
                self.matcher.find_into(text, &mut scratch, &mut found);
                for f in found.drain(..) {
                    match by_speaker.iter_mut().find(|(s, _)| *s == f.speaker) {
                        Some((_, v)) => v.push(f),
                        None => by_speaker.push((f.speaker.clone(), vec![f])),
                    }
                }
            }
            let first_id = first.get(r).unwrap_or("");
            let center = centers.get(r).unwrap_or("");
            let customer = customers.get(r).map(str::trim).unwrap_or("");
            let responder = responders.get(r).map(str::trim).unwrap_or("");
            let mut charged: BTreeMap<String, Vec<String>> = BTreeMap::new();
            let mut order: Vec<String> = vec![];
            let mut unknown: Vec<String> = vec![];
            for (speaker, fs) in by_speaker {
                // A turn labelled with the case's own customer is the resident speaking
                // (王建国：上次保安跟我说不归我管), unless the label also names the case's
                // staff: a customer and an employee may share a common name (王芳), and
                // then the first responder's or a roster employee's turn it stays. Only a
                // full name names staff: a surname alone (王：) shared by the customer
                // (王建国) and the first responder (王芳) is the customer's, as it would be
                // with any other first responder.
                // A form of address by the surname (老王, 王阿姨; any 王… when the column
                // holds 王先生) is weaker: no roster employee of the label, in any center.
                if !self.all_speakers
                    && speaker.as_deref().is_some_and(|label| {
                        !phrase::names_in_full(label, responder)
                            && ((phrase::names_customer(label, customer)
                                && names.resolve_in_center(label, center).is_none())
                                || (phrase::addresses_customer(label, customer)
                                    && names.resolve(label, center).is_none()))
                    })
                {
                    continue;
                }
                let who = speaker.as_deref().unwrap_or("未标注说话人");
                let (emp, note) = match &speaker {
                    Some(label) => match names.resolve(label, center) {
                        Some(id) => (id.to_string(), None),
                        // A speaker no roster names: the front desk's own turn (客服：, or
                        // the first responder's name as exported) is the first responder's;
                        // so is anyone's when the export names no first responder to tell
                        // them apart. A colleague of another post (保安：) or another
                        // person (a resident called otherwise than the customer column,
                        // a family member) is not: who said it is unknown, and the case is
                        // listed as not judged with the words, for a person to settle.
                        None => match phrase::unknown_speaker(label, responder) {
                            // (With `speakers = "all"` every line is the first
                            // responder's record of staff's words.)
                            phrase::UnknownSpeaker::Colleague | phrase::UnknownSpeaker::Person
                                if !responder.is_empty() && !self.all_speakers =>
                            {
                                let words: Vec<String> = fs
                                    .iter()
                                    .map(|f| {
                                        format!("「{}」（{who}，第 {} 行）", f.evidence, f.line)
                                    })
                                    .collect();
                                unknown.push(format!(
                                    "{}: said by “{label}”, who is neither on the roster nor this case's customer nor its first responder ({responder}); who said it cannot be told, so it is charged to no one",
                                    words.join("；")
                                ));
                                continue;
                            }
                            _ => (
                                first_id.to_string(),
                                Some(format!("（说话人“{label}”不在员工名册，记入首问责任人）")),
                            ),
                        },
                    },
                    None => (first_id.to_string(), None),
                };
                let mut parts: Vec<String> = fs
                    .iter()
                    .map(|f| format!("「{}」（{who}，第 {} 行）", f.evidence, f.line))
                    .collect();
                if let Some(n) = note {
                    parts.push(n);
                }
                if !charged.contains_key(&emp) {
                    order.push(emp.clone());
                }
                charged.entry(emp).or_default().extend(parts);
            }
            // Words no one can be charged with are listed for a person to settle; the case
            // is not judged by this rule when they are all it found (a finding charged to
            // someone judges it, and these words are listed beside it all the same).
            if !unknown.is_empty() {
                let id = ctx.cases.text("case_id").get(r).unwrap_or("").to_string();
                not_judged.push((id, unknown.join("；")));
                if order.is_empty() {
                    unjudged.push(row);
                }
            }
            for emp in order {
                let mut parts = charged.remove(&emp).unwrap_or_default();
                // Two phrases in one clause (没办法，不归我管) quote it once.
                let mut seen = std::collections::HashSet::new();
                parts.retain(|p| seen.insert(p.clone()));
                hits.push(Hit {
                    row,
                    evidence: parts.join("；"),
                    pending: false,
                    at: None,
                    employee: Some(emp),
                    // The words said, in their context: each finding's own.
                    shared_from: None,
                });
            }
        }
        unjudged.sort_unstable();
        let judged = if unjudged.is_empty() {
            rows
        } else {
            rows.into_iter()
                .filter(|r| unjudged.binary_search(r).is_err())
                .collect()
        };
        Ok(Outcome {
            judged,
            hits,
            not_judged,
            ..Outcome::default()
        })
    }
}

/// Roster names → employee ids, for charging the speaker of a turn.
struct NameIndex<'a> {
    /// name → [(id, center)], in roster order.
    by_name: BTreeMap<&'a str, Vec<(&'a str, &'a str)>>,
    /// Roster employee ids: a turn may be labelled with the speaker's 工号.
    ids: std::collections::BTreeSet<&'a str>,
}

impl<'a> NameIndex<'a> {
    fn new(ctx: &'a EvalCtx<'_>) -> NameIndex<'a> {
        let mut by_name: BTreeMap<&str, Vec<(&str, &str)>> = BTreeMap::new();
        let mut known = std::collections::BTreeSet::new();
        if let Some(r) = ctx.roster {
            let (ids, names, centers) = (r.text("employee_id"), r.text("name"), r.text("center"));
            known.extend(ids.iter().flatten());
            for i in 0..r.len() {
                if let (Some(id), Some(n)) = (ids.get(i), names.get(i)) {
                    by_name
                        .entry(n)
                        .or_default()
                        .push((id, centers.get(i).unwrap_or("")));
                }
            }
        }
        NameIndex {
            by_name,
            ids: known,
        }
    }

    /// [`NameIndex::resolve`] within the case's own center only (and by 工号): a
    /// namesake at another center is no reason to take a customer's turn for staff's.
    fn resolve_in_center(&self, label: &str, center: &str) -> Option<&'a str> {
        let id = self.resolve(label, center)?;
        let here = self.ids.contains(label.trim())
            || self
                .by_name
                .values()
                .flatten()
                .any(|(i, c)| *i == id && *c == center);
        here.then_some(id)
    }

    /// The employee a label names: a roster 工号 (`E02`), an exact name (preferring the
    /// case's center), the one roster 工号 the label holds (`客服E012`), else the one roster name of the case's center the label contains
    /// (`客服 李娜`).
    fn resolve(&self, label: &str, center: &str) -> Option<&'a str> {
        // Spaced out for alignment (王　芳), a label names whom it names together.
        let squeezed: String;
        let label = if label.chars().any(char::is_whitespace) {
            squeezed = phrase::squeeze(label);
            squeezed.as_str()
        } else {
            label
        };
        if let Some(id) = self.ids.get(label) {
            return Some(id);
        }
        if let Some(v) = self.by_name.get(label) {
            return v
                .iter()
                .find(|(_, c)| *c == center)
                .or_else(|| v.first())
                .map(|(id, _)| *id);
        }
        let mut tokens = phrase::label_id_tokens(label).filter_map(|t| self.ids.get(t));
        if let (Some(id), None) = (tokens.next(), tokens.next()) {
            return Some(id);
        }
        let mut found = self
            .by_name
            .iter()
            .filter(|(n, _)| n.chars().count() >= 2 && label.contains(**n))
            .flat_map(|(_, v)| v.iter().filter(|(_, c)| *c == center));
        match (found.next(), found.next()) {
            (Some((id, _)), None) => Some(id),
            _ => None,
        }
    }
}
