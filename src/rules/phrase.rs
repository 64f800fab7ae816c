//! Rule kind `forbidden_phrase`: staff never answer a resident with 不知道, 不归我管,
//! 没办法 … (the evasions the 首问责任制 names).
//!
//! ## What it does
//!
//! Reads the staff reply of a case (`reply`, also called 答复内容 / 接待记录 / 沟通记录).
//! The reply is often a transcript, one turn per line, `说话人：内容` (full-width `：` or
//! half-width `:`), sometimes plain text without labels. Every occurrence of a configured
//! phrase said by *staff* is reported with the words as written and a little context.
//!
//! * Turns: a line whose text before the first colon is a short label (at most 12
//!   non-blank characters once a leading or trailing time stamp is removed, containing a
//!   letter, no sentence punctuation) starts a turn of that speaker; a line without a
//!   label continues the previous speaker; text before the first label, or a reply with
//!   no label at all, is staff speech (the field is what staff said), reported with
//!   speaker `None`. A chat-export header, a line that is only a label and a time stamp
//!   with a time of day (`王芳 10:06`, `陈建国 2026-10-08 10:05`), starts a turn of that
//!   speaker: the message is on the lines below it. A label in brackets at the line start
//!   (`【业主】…`, `【客服】…`, `[E012]：…`) starts a turn too, colon or not.
//! * Customer turns are never checked: a label that is a customer label, starts with one
//!   (`业主王先生`, unless a staff role follows: `客户经理`, `业主服务中心`), or ends with one
//!   (`张先生（业主）`, `3栋住户`), and a phone number (`13912345678：`, `业主13912345678：`;
//!   a run of digits counts as one character of a label). A resident quoting staff (“物业说不归他们管”) is therefore
//!   not a violation.
//! * Normalisation, applied alike to the text, the phrases and the allowed contexts:
//!   full-width ASCII → half-width, ASCII case-folded, traditional → simplified (1,439
//!   characters: every traditional form of a character of the shouwen corpus, compatibility
//!   ideographs and Kangxi radicals included), and whitespace, punctuation and symbols
//!   dropped. So `不 归 我 管`, `不-归-我-管`, `不·归我管` and `不歸我管` all read `不归我管`.
//!   Matches cross a line break only between two lines of one staff turn (the second
//!   has no label: `客服：这个不归\n我管`), never sentence punctuation (`，。？！；：` and `? ! ;`):
//!   that ends a clause rather than hides a phrase, so `不，知道您不方便` holds no 不知道;
//!   only punctuation after *every* character (`没，办，法`) is read as hiding one.
//! * Overlapping phrases: the longest phrase at the leftmost position wins (`不归我们管` is
//!   reported once, not also as `不归我管`); every non-overlapping occurrence is reported.
//! * Allowed contexts: an occurrence that lies inside an occurrence of an allowed context
//!   (compared after normalisation) is not a violation: `不知道您是否方便`, `如有不清楚的地方`.
//! * Reported speech: someone else's words are not the speaker's. Words in quotation marks
//!   after a reporting word (`保安说“不归我管”`), and words right after an unquoted
//!   reporting word (说, 讲, 称, 告诉, 告知, 表示, 回复, 答复, 声称, 回答, 反映, 投诉; only 了,
//!   过, the addressee 您 / 你 / 业主 … or a colon between) whose subject, the nearest
//!   person word before it in the clause, is a third party (保安, 他, 对方, 前台, 工程部 …)
//!   or the resident (您, 业主 …): `您反映保安说不知道`, `保安告诉您不归我们管`. With the
//!   speaker as subject or none (`我说了不知道`, `跟您说了没办法`) the words are the
//!   speaker's own. A negated reporting word (不会 / 不能 / 不得 / 决不 / 绝不 / 从不 /
//!   从来不 / 不要 / 别 right before it, or before 跟您 / 对您 … in front of it) is a
//!   promise not to say them: `我们不会说不归我们管`, `绝不会跟您说不知道`; so is a denial
//!   of having said them (没 / 没有 / 不: `我没说不知道`, `我从没说过不归我管`), but not
//!   `不说了，不知道`.
//! * The resident's not knowing: 不清楚, 不知道 or 不懂 with `您对` before it in its clause
//!   and no 我 / 我们 / 咱们 between (`如果您对流程不清楚，可以随时问我`), or right after 您 /
//!   你 with a word of concern or condition before or after it (`怕您不清楚`, `您要是不清楚`,
//!   `如果您还不懂`); without one it is a retort (`您不清楚就别问了`). Not 没办法, 办不了 or
//!   不归我管: `您这事没办法` is a refusal.
//!
//! ## Why is this bad?
//!
//! 首问责任管理制度 4.7: “接待过程中,不得使用'不知道'、'没办法'、'不归我管'等用语,不得以任何
//! 理由或借口搪塞、推诿、'踢皮球'”. 首问责任制制度标准模板 四.1: “决不能用简单推诿的办法说
//! “不知道”、“不清楚”、“办不了”、“不归我们管”之类不负责任的话”. 工诚物业首问责任制实施方案 四:
//! spot checks look for staff who answer “一句“不知道”、“不懂”、“不清楚”、“不归我管”等借口就
//! 搪塞过去”.
//!
//! ## Example
//!
//! ```text
//! 业主：楼道灯坏了三天了，上次保安说不归他管。     ← customer turn: not checked
//! 王芳：这个不歸-我 管，您找工程部吧。             ← violation by 王芳: 不归我管
//! 王芳：不知道您是否方便明天上午在家？             ← allowed context: not a violation
//! ```
//!
//! The finding on the second line names the speaker 王芳, the phrase 不归我管, the words as
//! written `不歸-我 管` and the evidence `这个不歸-我 管，您找工程部吧。`: the words plus up to 10
//! characters on each side from the same line, `…` where cut.

use aho_corasick::{AhoCorasick, AhoCorasickKind, Input, MatchKind};

/// The clauses the default phrases come from, for a rule's `basis`.
pub const DEFAULT_BASIS: &str =
    "首问责任管理制度 4.7；首问责任制制度标准模板 四.1；工诚物业首问责任制实施方案 四";

/// Phrases staff must not use. Each one is named by the regulation:
/// 不知道 (4.7, 模板 四.1, 工诚 四), 没办法 (4.7), 不归我管 (4.7, 工诚 四), 不清楚 (模板 四.1,
/// 工诚 四), 办不了 (模板 四.1), 不归我们管 (模板 四.1), 不懂 (工诚 四), and 没有办法, the
/// full form of 4.7's 没办法. Traditional, spaced and punctuated variants (沒有辦法) are
/// covered by normalisation and need no entry of their own.
pub const DEFAULT_PHRASES: &[&str] = &[
    "不知道",
    "不清楚",
    "没办法",
    "没有办法",
    "办不了",
    "不归我管",
    "不归我们管",
    "不懂",
];

/// Contexts in which a default phrase is not an evasion.
///
/// Real-data check, `shared/realdata/gov_board_wuye/annex4_wuye_subset.csv` (210 public
/// message-board cases about 物业 with the responsible office's reply):
///
/// * `答复意见` (the officials' replies, i.e. staff-side text; 210 non-empty): **0**
///   occurrences of any of the seven phrases of 4.7 / 模板 / 工诚, also 0 after normalisation
///   (whitespace and punctuation dropped, traditional folded) and 0 for 没有办法. Near
///   misses: 办法 ×37, all in 管理办法 / 实施办法 / 解决办法 (never 没办法, nothing to allow);
///   无法 ×31 (not a banned phrase), among them 无法联系 ×2 (“无法联系上业主和勘查现场情况”,
///   “无法联系车主的，交警部门可以进行拖移”); jurisdiction stated ×3 (“该问题不属于我局职能
///   范围，建议您联系市房产局和市城管局”, “不属于我区管理范围。我们已将此问题上报”, “改变
///   房屋使用性质不是我队职能职责。同时我队到市规划局调看了…”), each with a referral or
///   further action, which is what 4.8 asks for; none is a configured phrase. Replies
///   written for the public avoid the phrases entirely, so the real data yields no allowed
///   context by itself; it does show that 无法联系 is routine, factual reporting, which
///   supports allowing 没办法联系上 below.
/// * `留言详情` (the residents' messages, the customer side): 不知道 ×12, of which 1 quotes
///   staff (“问起物业，物业说不知道”) and 11 are the residents' own words (“不知道是否符合
///   相关规定”, “不知道背后有何保护伞”); 不清楚 ×1, a quote (“问物业也说不清楚”); 不归我们管 ×1,
///   a quote (“再说你这事本身也就不归我们管”); 不归他们管 ×2, 他们管不了 ×3, quotes;
///   没办法 ×2 and 不懂 ×4, the residents' own words (“根本没办法入睡”, “看不懂”). These
///   are why customer turns are never checked; they are not allowed contexts, since the same
///   words from staff would be the evasion.
///
/// The entries below are judged, not observed: each is a use of a banned phrase that is
/// not a refusal or an excuse (a polite question to the resident, an offer to explain what
/// the *resident* finds unclear, a failed phone call, a sense that did not work, a negated
/// refusal). The line between “I cannot say” and “this sentence happens to contain 不知道”
/// is drawn narrowly: `我也不知道您这事该找谁` stays a violation, so `不知道您` alone is not
/// allowed, only its polite-question continuations.
pub const DEFAULT_ALLOW: &[&str] = &[
    // 不知道 in a polite question to the resident (“I wonder whether you …”).
    "不知道您是否",
    "不知道您是不是",
    "不知道您什么时候",
    "不知道您方不方便",
    "不知道您现在方便",
    "不知道您能否",
    "不知道您能不能",
    "不知道您有没有",
    "不知道您还有",
    "不知道您对",
    // 不知道您看 only as a question asking the resident's view (不知道您看这样行不行),
    // never 不知道您看着办 (“I don't know, you deal with it”).
    "不知道您看这",
    "不知道您看那",
    "不知道您看行",
    "不知道您看可",
    "不知道您看怎",
    "不知道您看是",
    "不知道您看哪",
    "不知道您看什么",
    "不知道您看能",
    "不知道您看方便",
    "不知道您看如何",
    "不知道您看合适",
    "不知道您看几",
    "不知道您看有没有",
    "不知道您看要不要",
    // 不知道 about the resident, informing them, or repeating what the resident said
    // (您刚才说您不知道): 您不知道 is the resident's not knowing, not staff's brush-off.
    "您可能不知道",
    "您也许不知道",
    "您不知道",
    // 不清楚 / 不懂: an offer to explain what the resident finds unclear (4.4 asks for it).
    "如有不清楚",
    "若有不清楚",
    "有不清楚的",
    "有什么不清楚",
    "哪里不清楚",
    "不清楚的地方",
    "不清楚之处",
    "不懂的地方",
    "有不懂的",
    "有什么不懂",
    "哪里不懂",
    // 不清楚: a sense that did not work (bad phone line, blurred camera), not an excuse.
    "听不清楚",
    "看不清楚",
    // 不懂 / 不清楚 of the resident or of a document, with an offer to explain: 如果您听不懂，
    // 我再讲一遍; 说明书写得不清楚，我上门演示.
    "您听不懂",
    "您看不懂",
    "听不懂的话",
    "看不懂的话",
    "写得不清楚",
    // 没办 + 法律援助: 您还没办法律援助手续吗 (not yet done), not 没办法. Whole words: the
    // text is compared with punctuation removed, so a shorter 没办法律 would also excuse
    // 没办法，律师来了也一样.
    "没办法律援助",
    // 没办法 about a call that did not get through: 4.8 itself foresees “无法联系上相关人员”.
    "没办法联系上",
    "没办法联系到",
    "没办法接通",
    "没办法打通",
    "没有办法联系上",
    "没有办法联系到",
    "没有办法接通",
    "没有办法打通",
    // Negated refusals.
    "不是没办法",
    "不是没有办法",
    "不是办不了",
    "不是不知道",
    "不是不清楚",
    "不是不懂",
    "不是不归我管",
    "不是不归我们管",
    // 没有不归我管的事: the opposite of a refusal, as 没有办不了的事.
    "没有不归我管",
    "没有不归我们管",
    // 没有办不了的事: the opposite of a refusal.
    "没有办不了",
    "没有什么办不了",
    "没什么办不了",
    // 有没办法 (colloquial 有没有办法, “is there a way”): a question, not a refusal.
    "有没办法",
    // 有没有办法: the same question in full; it holds 没有办法.
    "有没有办法",
    // 不懂事: “immature, inconsiderate” (孩子不懂事), not “I don't understand”.
    "不懂事",
];

/// Speaker labels that are the resident. A label is a customer label when it equals one of
/// these, starts with one (`业主王先生`; not when a staff role follows, see
/// [`STAFF_ROLE_WORDS`]) or ends with one (`张先生（业主）`, `3栋住户`). Compared after the
/// same folding as the text (width, case, traditional, whitespace and punctuation).
pub const DEFAULT_CUSTOMER_LABELS: &[&str] = &[
    "业主",
    "客户",
    "住户",
    "业户",
    "户主",
    "租户",
    "租客",
    "房东",
    "居民",
    "来电人",
    "来电者",
    "来访人",
    "来访者",
    "访客",
    "顾客",
    "用户",
    "投诉人",
    "报修人",
    "咨询人",
    "反映人",
    "求助人",
    "举报人",
    "留言人",
    "网友",
    "市民",
    "群众",
    "业委会",
    "先生",
    "女士",
    // Forms of address alone (阿姨：, 大爷：), or after a surname (张阿姨：); after a staff
    // post they are a colleague (保洁阿姨：).
    "阿姨",
    "大爷",
    "大妈",
    "大娘",
    "大叔",
    "叔叔",
    "奶奶",
    "爷爷",
    "婆婆",
    "阿婆",
    "老太太",
    "老人家",
    "customer",
    "resident",
    "caller",
    "owner",
    "tenant",
    "visitor",
];

/// Words that, right after a customer label at the start of a speaker label, make it a
/// staff label: `客户经理`, `客户服务部李娜`, `业主服务中心`, `客户关系主管`.
pub const STAFF_ROLE_WORDS: &[&str] = &[
    "服务", "经理", "主管", "专员", "管家", "助理", "中心", "部", "关系", "顾问", "接待",
];

/// Characters of context kept on each side of a match in [`Finding::evidence`].
pub const EVIDENCE_CONTEXT_CHARS: usize = 10;

/// A speaker label has at most this many characters (after time stamps are removed;
/// whitespace does not count, so `王　芳` or `业 主` spaced out for alignment is a label
/// exactly when `王芳` or `业主` is).
pub const LABEL_MAX_CHARS: usize = 12;

/// The colon that ends a label must come within this many characters of the line start.
const LABEL_SCAN_CHARS: usize = 40;

/// Longest label [`Matcher::is_customer_label`] folds; a longer one is no speaker label.
const LABEL_FOLD_MAX: usize = 64;

/// What a `forbidden_phrase` rule checks: the phrases, the contexts that excuse them and
/// the labels of the resident's turns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PhraseConfig {
    /// Phrases staff must not say, e.g. 不知道, 不归我管.
    pub phrases: Vec<String>,
    /// Contexts that are not violations, e.g. 不知道您是否方便, 如有不清楚的地方.
    pub allow: Vec<String>,
    /// Speaker labels that are the resident: 业主, 客户, 住户, 来电人 …
    pub customer_labels: Vec<String>,
}

impl Default for PhraseConfig {
    /// The regulation's phrases with [`DEFAULT_ALLOW`] and [`DEFAULT_CUSTOMER_LABELS`].
    fn default() -> Self {
        let own = |list: &[&str]| list.iter().map(|s| (*s).to_owned()).collect();
        PhraseConfig {
            phrases: own(DEFAULT_PHRASES),
            allow: own(DEFAULT_ALLOW),
            customer_labels: own(DEFAULT_CUSTOMER_LABELS),
        }
    }
}

/// One banned phrase said by staff.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// The configured phrase that matched, as configured (trimmed).
    pub phrase: String,
    /// The exact text that matched, from its first to its last matched character, e.g.
    /// `不 歸-我 管`.
    pub as_written: String,
    /// The label of the turn, e.g. `王芳`; `None` for unlabelled speech.
    pub speaker: Option<String>,
    /// 1-based line within the text (`\n`, `\r\n` and `\r` end a line).
    pub line: usize,
    /// Byte offset of `as_written` in the text.
    pub start: usize,
    /// Byte offset just past `as_written` in the text.
    pub end: usize,
    /// `as_written` with up to [`EVIDENCE_CONTEXT_CHARS`] characters of context on each
    /// side from the same turn line, `…` where cut; never contains a line break (control
    /// characters become spaces).
    pub evidence: String,
}

/// One line of speech of a transcript.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Turn<'a> {
    /// The label this line is spoken under (its own, or the previous labelled line's).
    pub speaker: Option<String>,
    /// Whether the speaker is the resident (such lines are never checked).
    pub is_customer: bool,
    /// 1-based line number.
    pub line: usize,
    /// Byte offset of `text` in the original text.
    pub text_start: usize,
    /// What was said on this line, label and surrounding whitespace removed.
    pub text: &'a str,
}

/// Buffers reused between calls of [`Matcher::find_into`].
#[derive(Debug, Clone, Default)]
pub struct Scratch {
    norm: String,
    /// [`gaps_into`] of the line, filled only for a line with a match and sentence
    /// punctuation.
    gaps: Vec<u8>,
    /// [`reported_quotes`] of the line, filled only for a line with a match and a
    /// quotation mark.
    quotes: Vec<(usize, usize)>,
}

impl Scratch {
    pub fn new() -> Self {
        Scratch::default()
    }
}

/// A compiled `forbidden_phrase` rule: build once, reuse for every text.
#[derive(Debug, Clone)]
pub struct Matcher {
    phrases: AhoCorasick,
    canonical: Vec<String>,
    allow: Option<AhoCorasick>,
    allow_max_len: usize,
    customers: CustomerLabels,
    gate: Gate,
}

impl Matcher {
    /// Compiles a configuration. Every problem is reported at once, joined by `; `: a phrase,
    /// allowed context or customer label that is empty once normalised, or no phrase at all.
    /// Entries that normalise to the same text as an earlier entry are dropped (the first
    /// spelling is the canonical one).
    pub fn new(cfg: &PhraseConfig) -> Result<Matcher, String> {
        let mut errors = Vec::new();
        let (phrase_pats, canonical) = normalized_patterns("phrase", &cfg.phrases, &mut errors);
        if cfg.phrases.is_empty() {
            errors.push("no phrase configured: `phrases` needs at least one entry".to_owned());
        }
        let (allow_pats, _) = normalized_patterns("allowed context", &cfg.allow, &mut errors);
        normalized_patterns("customer label", &cfg.customer_labels, &mut errors);
        if !errors.is_empty() {
            return Err(errors.join("; "));
        }
        // No prefilter: the bytes of 不 / 没 / 办 are everywhere in Chinese text, so a
        // rare-byte prefilter only adds work; a DFA is a few instructions per byte.
        let phrases = AhoCorasick::builder()
            .match_kind(MatchKind::LeftmostLongest)
            .kind(Some(AhoCorasickKind::DFA))
            .prefilter(false)
            .build(&phrase_pats)
            .map_err(|e| format!("cannot compile the phrases: {e}"))?;
        let allow = if allow_pats.is_empty() {
            None
        } else {
            Some(
                AhoCorasick::builder()
                    .match_kind(MatchKind::Standard)
                    .build(&allow_pats)
                    .map_err(|e| format!("cannot compile the allowed contexts: {e}"))?,
            )
        };
        Ok(Matcher {
            phrases,
            canonical,
            allow,
            allow_max_len: allow_pats.iter().map(String::len).max().unwrap_or(0),
            customers: CustomerLabels::new(&cfg.customer_labels),
            gate: Gate::new(&phrase_pats),
        })
    }

    /// Every banned phrase said by staff in `text`, in text order.
    pub fn find(&self, text: &str) -> Vec<Finding> {
        let mut out = Vec::new();
        self.find_into(text, &mut Scratch::new(), &mut out);
        out
    }

    /// Like [`Matcher::find`], appending to `out` and reusing `scratch`: no allocation for a
    /// text without a finding once the buffers have grown.
    pub fn find_into(&self, text: &str, scratch: &mut Scratch, out: &mut Vec<Finding>) {
        let mut prev: Option<TurnRef<'_>> = None;
        for turn in TurnIter::new(text, &self.customers) {
            if !turn.is_customer {
                if let Some(p) = prev.filter(|p| {
                    turn.continued && p.line + 1 == turn.line && p.speaker == turn.speaker
                }) {
                    self.scan_junction(text, &p, &turn, scratch, out);
                }
                self.scan_turn(text, &turn, scratch, out);
                prev = Some(turn);
            } else {
                prev = None;
            }
        }
    }

    /// A phrase split over the line break between two lines of one staff turn
    /// (`客服：这个不归\n我管`): the two lines are scanned as one, and the matches that
    /// cross the break are kept (reported on the first line).
    fn scan_junction(
        &self,
        text: &str,
        prev: &TurnRef<'_>,
        turn: &TurnRef<'_>,
        scratch: &mut Scratch,
        out: &mut Vec<Finding>,
    ) {
        // A match across the break holds the last kept character of the first line and
        // the first of the second: both must be phrase characters.
        let last = prev.text.chars().rev().find_map(fold_char);
        let first = turn.text.chars().find_map(fold_char);
        let (Some(last), Some(first)) = (last, first) else {
            return;
        };
        if !(self.gate.is_phrase_char(last) && self.gate.is_phrase_char(first)) {
            return;
        }
        let end = turn.start + turn.text.len();
        let Some(joined) = text.get(prev.start..end) else {
            return;
        };
        let both = TurnRef {
            text: joined,
            ..*prev
        };
        let from = out.len();
        self.scan_turn(text, &both, scratch, out);
        let break_at = prev.start + prev.text.len();
        let crossing: Vec<Finding> = out
            .drain(from..)
            .filter(|f| f.start < break_at && f.end > turn.start)
            .collect();
        out.extend(crossing);
    }

    /// Whether `text` holds at least one finding.
    pub fn is_match(&self, text: &str) -> bool {
        let mut out = Vec::new();
        self.find_into(text, &mut Scratch::new(), &mut out);
        !out.is_empty()
    }

    /// Whether a speaker label is the resident's under this configuration.
    pub fn is_customer_label(&self, label: &str) -> bool {
        self.customers.matches(label)
    }

    /// [`split_turns`] with this configuration's customer labels.
    pub fn split_turns<'a>(&self, text: &'a str) -> Vec<Turn<'a>> {
        TurnIter::new(text, &self.customers)
            .map(Turn::from)
            .collect()
    }

    fn scan_turn(
        &self,
        text: &str,
        turn: &TurnRef<'_>,
        scratch: &mut Scratch,
        out: &mut Vec<Finding>,
    ) {
        scratch.norm.clear();
        let seen = normalize_gated(turn.text, &mut scratch.norm, &self.gate);
        if !self.gate.may_match(seen) {
            return;
        }
        let hay = scratch.norm.as_str();
        let Ok(matches) = self.phrases.try_find_iter(Input::new(hay)) else {
            return;
        };
        // Sentence punctuation matters only for a line that has it (and a match).
        let mut gaps: Option<&[u8]> = None;
        let mut checked = false;
        let gaps_buf = &mut scratch.gaps;
        let quotes_buf = &mut scratch.quotes;
        let mut quotes: &[(usize, usize)] = &[];
        // Back to the original text: the n-th normalised character is the n-th kept one.
        // Matches come in text order, so both walks only move forward (linear in the line).
        let mut kept = KeptChars::new(turn.text);
        let (mut norm_at, mut norm_chars) = (0, 0);
        for m in matches {
            let (s, e) = (m.start(), m.end());
            if !checked {
                checked = true;
                if turn.text.contains(is_boundary) {
                    gaps_into(turn.text, hay.len(), gaps_buf);
                    gaps = Some(gaps_buf.as_slice());
                }
                if turn.text.contains(is_quote) {
                    reported_quotes(turn.text, quotes_buf);
                    quotes = quotes_buf.as_slice();
                }
            }
            if gaps.is_some_and(|g| !joins(hay, g, s, e)) || self.is_allowed(hay, gaps, s, e) {
                continue;
            }
            let first = norm_chars + hay.get(norm_at..s).map_or(0, |p| p.chars().count());
            let count = hay.get(s..e).map_or(0, |p| p.chars().count());
            (norm_at, norm_chars) = (e, first + count);
            let (Some((start, _)), Some((last, c))) = (
                kept.nth_kept(first),
                kept.nth_kept(first + count.saturating_sub(1)),
            ) else {
                continue;
            };
            // Someone else's words quoted (您反映保安说“不归我管”) are not staff's own.
            if within(quotes, start, last + c.len_utf8()) {
                continue;
            }
            // Nor are someone else's words reported without quotation marks
            // (您反映保安说不知道).
            let clause = clause_before(turn.text, start);
            if not_own_words(&clause)
                || hay.get(s..e).is_some_and(|w| residents_unclear(&clause, w))
            {
                continue;
            }
            let (start, end) = (turn.start + start, turn.start + last + c.len_utf8());
            let Some(phrase) = self.canonical.get(m.pattern().as_usize()) else {
                continue;
            };
            out.push(Finding {
                phrase: phrase.clone(),
                as_written: text.get(start..end).unwrap_or_default().to_owned(),
                speaker: turn.speaker.map(str::to_owned),
                line: turn.line,
                start,
                end,
                evidence: evidence(turn.text, turn.start, start, end),
            });
        }
    }

    /// Whether an allowed context occurs around `hay[s..e]` and covers it.
    fn is_allowed(&self, hay: &str, gaps: Option<&[u8]>, s: usize, e: usize) -> bool {
        let Some(allow) = &self.allow else {
            return false;
        };
        let from = s.saturating_sub(self.allow_max_len);
        let to = e.saturating_add(self.allow_max_len).min(hay.len());
        if from > s || e > to {
            return false;
        }
        let input = Input::new(hay).range(from..to);
        let Ok(mut found) = allow.try_find_overlapping_iter(input) else {
            return false;
        };
        found.any(|a| {
            a.start() <= s
                && a.end() >= e
                && gaps.is_none_or(|g| joins(hay, g, a.start(), a.end()))
                && !rhetorical(hay, a.start(), a.end())
        })
    }
}

/// A negation asked back (这事不是不归我管吗 “isn't this none of my business?”): the
/// refusal itself, not the denial 不是不归我管 is.
fn rhetorical(hay: &str, start: usize, end: usize) -> bool {
    hay.get(start..).is_some_and(|h| h.starts_with("不是"))
        && hay
            .get(end..)
            .is_some_and(|t| t.starts_with(['吗', '么', '嘛']))
}

/// Quotation marks, opening and closing (for `"` the same character).
const QUOTES: &[(char, char)] = &[
    ('“', '”'),
    ('「', '」'),
    ('『', '』'),
    ('‘', '’'),
    ('"', '"'),
    ('＂', '＂'),
];

/// Words that introduce someone's words: 保安说“…”, 您反映“…”, 对方回复“…”.
const REPORTING_WORDS: &[&str] = &[
    "说", "称", "讲", "道", "问", "反映", "表示", "回复", "答复", "告知", "提到", "声称", "回答",
    "答", "写", "写着", "认为", "抱怨", "投诉",
];

fn is_quote(c: char) -> bool {
    QUOTES.iter().any(|&(o, cl)| c == o || c == cl)
}

/// The quotations of someone's words in `line`, as byte ranges of their text (between
/// the marks), in order, into `out`: a pair of quotation marks whose opening follows a
/// reporting word (`保安说“不归我管”`, `您反映：“他说没办法”`). A whole utterance in
/// quotation marks (`王芳：“这个不归我管”`), scare quotes (`我们“没办法”处理`) and an
/// unclosed quotation are the speaker's own words. One pass over the line; a quotation
/// inside another is part of it.
fn reported_quotes(line: &str, out: &mut Vec<(usize, usize)>) {
    out.clear();
    // The quotation open now: its closing mark, where its text starts, whether reported.
    let mut open: Option<(char, usize, bool)> = None;
    for (i, c) in line.char_indices() {
        match open {
            Some((close, from, reported)) if c == close => {
                if reported {
                    out.push((from, i));
                }
                open = None;
            }
            Some(_) => {}
            None => {
                if let Some(&(_, close)) = QUOTES.iter().find(|&&(o, _)| o == c) {
                    let lead = line[..i].trim_end_matches(|c: char| {
                        c.is_whitespace()
                            || matches!(c, '：' | ':' | '，' | ',' | '了' | '过' | '着')
                    });
                    let reported = REPORTING_WORDS.iter().any(|w| lead.ends_with(w));
                    open = Some((close, i + c.len_utf8(), reported));
                }
            }
        }
    }
}

/// Words that report someone's words without quotation marks when the words follow
/// directly (保安说不归我管, 他表示不清楚, 保安告诉您不归我们管): the speaker is telling
/// what another said, not saying it. Folded forms (simplified).
const UNQUOTED_REPORTING_WORDS: &[&str] = &[
    "说", "讲", "称", "告诉", "告知", "表示", "回复", "答复", "声称", "回答", "反映", "投诉",
];

/// What may stand between an unquoted reporting word and the words it reports: an aspect
/// particle (说了, 说过, 告诉过您) or the addressee (告诉您, 答复业主); a colon right
/// before the words too (对方称：不知道). Nothing else: 保安说，不知道 (a comma) and
/// 保安说我不知道 stay the speaker's own words.
const REPORT_FILLERS: &[&str] = &["了", "过"];

/// The addressee of reported words, after the reporting word (告诉您) or after a word of
/// [`ADDRESSEE_MARKERS`] before it (跟您说, 对业主讲).
const ADDRESSEES: &[&str] = &["您们", "你们", "您", "你", "业主", "客户", "住户"];

/// Words that make the person word after them an addressee, not the one who speaks:
/// 跟您说, 对您讲, 和您说, 给您回复, 向业主表示, 告诉您说. (保安跟我说不知道: 保安 spoke.)
const ADDRESSEE_MARKERS: &[&str] = &["跟", "对", "和", "给", "向", "同", "告诉", "告知"];

/// Who reports: the subject of an unquoted reporting word is the nearest of these third
/// parties (or of [`ADDRESSEES`], the resident) before it, not followed by 的 (保安的事, a
/// topic) and not an addressee. Someone else — a third party or the resident — makes the
/// words reported speech (保安说不知道, 您反映说不清楚); the speaker (我, 我们 …) or no
/// subject at all (跟您说了没办法) leaves them the speaker's own words.
const OTHER_SPEAKERS: &[&str] = &[
    "保安",
    "保洁",
    "维修工",
    "师傅",
    "他们",
    "她们",
    "他",
    "她",
    "对方",
    "同事",
    "前台",
    "物业",
    "工作人员",
    "工程部",
    "秩序部",
    "环境部",
    "客服部",
    "保安部",
    "保洁部",
    "管理处",
    "主管",
    "经理",
    "领导",
    "队长",
    "组长",
    "班长",
    "电工",
    // Outside bodies a property company reports on (经核实，社区表示不清楚此事).
    "开发商",
    "社区",
    "街道",
    "街道办",
    "城管",
    "派出所",
    "公安",
    "警察",
    "民警",
    "房管局",
    "房管所",
    "住建局",
    "住建委",
    "相关部门",
    "有关部门",
    "政府",
    "业委会",
    "居委会",
    "村委会",
    "邻居",
    "供电局",
    "供电公司",
    "电力公司",
    "自来水公司",
    "供水公司",
    "水务公司",
    "燃气公司",
    "煤气公司",
    "热力公司",
    "供暖公司",
    "施工方",
    "施工单位",
    "施工队",
    "厂家",
    "厂商",
    "商家",
    "运营商",
    "商户",
    "办事处",
    "交警",
    "消防",
    "法院",
    "医院",
    "律师",
    "监理",
    "总包",
    "网格员",
    "快递员",
    "司机",
    "房东",
    "电信",
    "联通",
];

/// The last word of a company, group, unit or bureau: a third party when something names
/// it before (电梯维保公司), the speaker's own when bare or after 我们 / 的 / 本 / 物业.
const BODY_SUFFIXES: &[&str] = &["公司", "集团", "单位", "局"];

/// The speaker themself as the subject of a reporting word: 我说了不知道 is said again.
const OWN_SPEAKERS: &[&str] = &[
    "我们",
    "咱们",
    "我",
    "咱",
    "本人",
    // The speaker's own company or unit: 我们公司说没办法 is the company's refusal said by
    // its staff (longer than 公司, so it wins where both end).
    "我们公司",
    "咱们公司",
    "我司",
    "本公司",
    "我们物业",
    "咱们物业",
    "本物业",
    "我们单位",
    "本单位",
    "我们部门",
    "本部门",
    "我们集团",
    "我方",
];

/// At most this many characters (kept by normalisation) of the clause before a phrase are
/// read for the reporting word and its subject: the work per match stays bounded.
const CLAUSE_MAX_CHARS: usize = 32;

/// The clause before byte offset `start` of `line`, normalised, nearest character last:
/// back to the previous sentence punctuation (a colon right before the phrase does not
/// end it: 对方称：不知道), at most [`CLAUSE_MAX_CHARS`] characters.
fn clause_before(line: &str, start: usize) -> Vec<char> {
    let mut rev = Vec::new();
    let mut colon_passed = false;
    for c in line.get(..start).unwrap_or_default().chars().rev() {
        if is_boundary(c) {
            if rev.is_empty() && !colon_passed && matches!(c, '：' | ':') {
                colon_passed = true;
                continue;
            }
            break;
        }
        if let Some(f) = fold_char(c) {
            rev.push(f);
            if rev.len() == CLAUSE_MAX_CHARS {
                break;
            }
        }
    }
    rev.reverse();
    rev
}

/// The length in characters of the longest of `words` that `text` ends with.
fn ends_with_any(text: &[char], words: &[&str]) -> Option<usize> {
    words
        .iter()
        .filter(|w| {
            let n = w.chars().count();
            n <= text.len() && text[text.len() - n..].iter().copied().eq(w.chars())
        })
        .map(|w| w.chars().count())
        .max()
}

/// Whether a phrase preceded by `clause` (see [`clause_before`]) is someone else's words
/// the speaker reports: directly after an unquoted reporting word whose subject is a third
/// party or the resident.
fn not_own_words(clause: &[char]) -> bool {
    // Back over what may stand between the reporting word and the words.
    let mut end = clause.len();
    let mut le = false;
    for _ in 0..4 {
        let head = &clause[..end];
        match ends_with_any(head, REPORT_FILLERS).or_else(|| ends_with_any(head, ADDRESSEES)) {
            Some(n) => {
                le |= head[end - n..] == ['了'];
                end -= n;
            }
            None => break,
        }
    }
    let Some(n) = ends_with_any(&clause[..end], UNQUOTED_REPORTING_WORDS) else {
        return false;
    };
    let before = &clause[..end - n];
    is_negated(before, !le) || reporting_subject_is_other(before)
}

/// Negations of saying: 我们不会说不归我们管 and 绝不会跟您说不知道 are promises not to use
/// the words. Only right before the reporting word (or before 跟您 / 对您 / 和您 / 给您 /
/// 对业主 … in front of it); 不会说话，不知道 and 我不会，不知道 are out of reach.
const SAY_NEGATIONS: &[&str] = &[
    "不会",
    "不能",
    "不得",
    "决不",
    "绝不",
    "从不",
    "从来不",
    "不要",
    "别",
];

/// Denials of having said the words (我没说不知道, 我从没说过不归我管, 咱们不说不知道):
/// negations of saying as [`SAY_NEGATIONS`] are, but not with 了 after the reporting word:
/// 不说了，不知道 (“enough talk: I don't know”) is a refusal.
const SAY_DENIALS: &[&str] = &["没", "没有", "不"];

/// Phrases that, after [`RESIDENT_TOPIC`] in their clause, are the resident's not knowing:
/// 如果您对流程不清楚，可以随时问我. Not 没办法 / 办不了 / 不归我管: 您这事没办法 is a refusal.
const RESIDENT_UNCLEAR_PHRASES: &[&str] = &["不清楚", "不知道", "不懂"];

/// The resident as the one who does not know something: 您对 ….
const RESIDENT_TOPIC: &str = "您对";

/// The resident as the subject right before the phrase (怕您不清楚, 你不懂), with only
/// [`RESIDENT_CONCERNS`] and [`RESIDENT_FILLERS`] between (您要是不清楚, 您还不懂).
const RESIDENT_SUBJECTS: &[&str] = &["您", "你", "您们", "你们"];

/// Words of concern or condition that make 您不清楚 the resident's not knowing, before 您
/// (怕您, 如果您) or after it (您要是, 您可能).
const RESIDENT_CONCERNS: &[&str] = &[
    "怕", "生怕", "担心", "如果", "假如", "要是", "若是", "若", "万一", "也许", "可能", "以防",
];

/// Words that may stand between 您 and the phrase besides those: still, at the moment ….
const RESIDENT_FILLERS: &[&str] = &[
    "还是", "还", "实在", "仍然", "仍", "暂时", "一时", "都", "也",
];

/// First-person pronouns that, after 您对, make the not knowing the speaker's again
/// (您对这个问我，我也不清楚).
const FIRST_PERSON: &[&str] = &["我", "咱们"];

/// Whether the phrase `phrase` (normalised) after `clause` (see [`clause_before`]) is the
/// resident's not knowing: one of [`RESIDENT_UNCLEAR_PHRASES`], with 您对 before it in the
/// clause and no first-person pronoun between.
fn residents_unclear(clause: &[char], phrase: &str) -> bool {
    if !RESIDENT_UNCLEAR_PHRASES.contains(&phrase) {
        return false;
    }
    // 怕您不清楚, 您要是不清楚, 如果您还不懂: the resident right before it, and a word of
    // concern or condition (怕, 如果, 要是 …) before or after 您. Without one it is a
    // retort (您不清楚就别问了, 你不懂就去问开发商), or 您 is the one told (告诉你不知道).
    let mut end = clause.len();
    let mut concern = false;
    for _ in 0..3 {
        let head = &clause[..end];
        match ends_with_any(head, RESIDENT_CONCERNS) {
            Some(n) => {
                concern = true;
                end -= n;
            }
            None => match ends_with_any(head, RESIDENT_FILLERS) {
                Some(n) => end -= n,
                None => break,
            },
        }
    }
    if let Some(n) = ends_with_any(&clause[..end], RESIDENT_SUBJECTS) {
        concern |= ends_with_any(&clause[..end - n], RESIDENT_CONCERNS).is_some();
        if concern {
            return true;
        }
    }
    let topic: Vec<char> = RESIDENT_TOPIC.chars().collect();
    let Some(at) = clause
        .windows(topic.len())
        .rposition(|w| w == topic.as_slice())
    else {
        return false;
    };
    let after: String = clause[at + topic.len()..].iter().collect();
    !FIRST_PERSON.iter().any(|p| after.contains(p))
}

/// Whether `before` (the clause up to a reporting word) ends with a negation of saying.
fn is_negated(before: &[char], denials: bool) -> bool {
    let mut end = before.len();
    if let Some(n) = ends_with_any(before, ADDRESSEES) {
        if let Some(m) = ends_with_any(&before[..end - n], ADDRESSEE_MARKERS) {
            end -= n + m;
        }
    }
    ends_with_any(&before[..end], SAY_NEGATIONS).is_some()
        || (denials && ends_with_any(&before[..end], SAY_DENIALS).is_some())
}

/// Whether the subject of a reporting word, read in `before` (the clause up to the word),
/// is someone other than the speaker (see [`OTHER_SPEAKERS`] and [`ADDRESSEES`]).
fn reporting_subject_is_other(before: &[char]) -> bool {
    let mut k = before.len();
    while k > 0 {
        let head = &before[..k];
        // A third party, or the resident (the words of ADDRESSEES).
        let other = ends_with_any(head, OTHER_SPEAKERS).max(ends_with_any(head, ADDRESSEES));
        let own = ends_with_any(head, OWN_SPEAKERS);
        let (n, is_other) = match (other, own) {
            (Some(o), Some(m)) if m > o => (m, false),
            (Some(o), _) => (o, true),
            (None, Some(m)) => (m, false),
            (None, None) => match ends_with_any(head, BODY_SUFFIXES) {
                // A company, group, unit or bureau named by what comes before its last
                // word (电梯维保公司, 水务集团, 房产局) is a third party; bare, or the
                // speaker's (公司, 我们的公司, 本单位, 我们物业公司), it is the speaker's.
                Some(n) => {
                    let pre = &head[..k - n];
                    let own_before = pre.is_empty()
                        || matches!(pre.last(), Some('的' | '本' | '我' | '们' | '咱'))
                        || pre.ends_with(&['物', '业'])
                        || pre.ends_with(&['我', '司']);
                    (n, !own_before)
                }
                None => {
                    k -= 1;
                    continue;
                }
            },
        };
        let from = k - n;
        let topic = before.get(k) == Some(&'的');
        let addressee = ends_with_any(&before[..from], ADDRESSEE_MARKERS).is_some();
        if !topic && !addressee {
            return is_other;
        }
        k = from;
    }
    false
}

/// Whether `start..end` lies inside one of `spans` (sorted, not overlapping).
fn within(spans: &[(usize, usize)], start: usize, end: usize) -> bool {
    let k = spans.partition_point(|&(from, _)| from <= start);
    k > 0 && spans[k - 1].1 >= end
}

/// Normalises and deduplicates configured entries; returns the patterns and, for each, the
/// entry as configured (trimmed).
fn normalized_patterns(
    what: &str,
    entries: &[String],
    errors: &mut Vec<String>,
) -> (Vec<String>, Vec<String>) {
    let mut pats: Vec<String> = Vec::with_capacity(entries.len());
    let mut canonical = Vec::with_capacity(entries.len());
    for entry in entries {
        let (norm, _) = normalize(entry);
        if norm.is_empty() {
            errors.push(format!(
                "{what} {entry:?} is empty once whitespace and punctuation are dropped"
            ));
        } else if !pats.contains(&norm) {
            pats.push(norm);
            canonical.push(entry.trim().to_owned());
        }
    }
    (pats, canonical)
}

type KeptIter<'t> = std::iter::Filter<std::str::CharIndices<'t>, fn(&(usize, char)) -> bool>;

/// The kept (not dropped by normalisation) characters of a text, walked forward by index.
struct KeptChars<'t> {
    iter: KeptIter<'t>,
    /// Index of the next kept character `iter` yields.
    next: usize,
    /// The last kept character returned, with its index.
    current: Option<(usize, char)>,
    current_index: Option<usize>,
}

impl<'t> KeptChars<'t> {
    fn new(text: &'t str) -> Self {
        fn is_kept(&(_, c): &(usize, char)) -> bool {
            fold_char(c).is_some()
        }
        KeptChars {
            iter: text
                .char_indices()
                .filter(is_kept as fn(&(usize, char)) -> bool),
            next: 0,
            current: None,
            current_index: None,
        }
    }

    /// Byte offset and character of the `index`-th kept character; `index` never decreases
    /// between calls (asking again for the current one is fine).
    fn nth_kept(&mut self, index: usize) -> Option<(usize, char)> {
        if self.current_index == Some(index) {
            return self.current;
        }
        let skip = index.checked_sub(self.next)?;
        let found = self.iter.nth(skip);
        self.next = index + 1;
        self.current = found;
        self.current_index = Some(index);
        found
    }
}

/// The matched words plus up to [`EVIDENCE_CONTEXT_CHARS`] characters each side from the
/// turn's line, `…` where cut.
fn evidence(line_text: &str, line_start: usize, start: usize, end: usize) -> String {
    let rel_start = start.saturating_sub(line_start);
    let rel_end = end.saturating_sub(line_start);
    let before = line_text.get(..rel_start).unwrap_or_default();
    let words = line_text.get(rel_start..rel_end).unwrap_or_default();
    let after = line_text.get(rel_end..).unwrap_or_default();
    let before_from = before
        .char_indices()
        .rev()
        .nth(EVIDENCE_CONTEXT_CHARS.saturating_sub(1))
        .map_or(0, |(i, _)| i);
    let after_to = after
        .char_indices()
        .nth(EVIDENCE_CONTEXT_CHARS)
        .map_or(after.len(), |(i, _)| i);
    let mut ev = String::with_capacity(words.len() + 2 * 3 * (EVIDENCE_CONTEXT_CHARS + 1));
    if before_from > 0 {
        ev.push('…');
    }
    for part in [
        before.get(before_from..).unwrap_or_default(),
        words,
        after.get(..after_to).unwrap_or_default(),
    ] {
        ev.extend(part.chars().map(|c| {
            if c.is_control() || matches!(c, '\u{2028}' | '\u{2029}') {
                ' '
            } else {
                c
            }
        }));
    }
    if after_to < after.len() {
        ev.push('…');
    }
    ev
}

/// Splits a reply into lines of speech (blank lines are skipped), telling who speaks each.
pub fn split_turns<'a>(text: &'a str, customer_labels: &[String]) -> Vec<Turn<'a>> {
    let customers = CustomerLabels::new(customer_labels);
    TurnIter::new(text, &customers).map(Turn::from).collect()
}

/// The speaker label of a line, if it has one: the text before its first colon (`：`, `:`,
/// `︰`, `﹕`; not the colon of a time such as `09:05`, not `://`), trimmed and stripped of
/// a leading or trailing time stamp, when that is 1 to [`LABEL_MAX_CHARS`] characters
/// (whitespace not counted), contains a letter and no sentence punctuation. Returns the
/// label and the byte offset of the text after the colon.
pub fn parse_label(line: &str) -> Option<(&str, usize)> {
    let mut prev = None;
    let mut chars = line.char_indices().peekable();
    let mut seen = 0;
    while let Some((i, c)) = chars.next() {
        seen += 1;
        if seen > LABEL_SCAN_CHARS {
            return None;
        }
        if matches!(c, '：' | ':' | '︰' | '﹕') {
            let after = i + c.len_utf8();
            if c == ':' {
                let next = chars.peek().map(|&(_, n)| n);
                let digit = |x: Option<char>| x.is_some_and(|x| x.is_ascii_digit());
                if digit(prev) && digit(next) {
                    prev = Some(c);
                    continue;
                }
                if line.get(after..).is_some_and(|r| r.starts_with("//")) {
                    return None;
                }
            }
            return label_core(line.get(..i)?).map(|label| (label, after));
        }
        if is_label_breaker(c) {
            return None;
        }
        prev = Some(c);
    }
    None
}

/// The speaker of a chat-export header line, one that is nothing but a label and a time
/// stamp with a time of day (`王芳 10:06`, `陈建国 2026-10-08 10:05`, `10:05:01 业主`):
/// WeChat and IM exports put the message on the next line(s), which continue this
/// speaker. Returns the label and the line's length (the header says nothing itself).
pub fn parse_header(line: &str) -> Option<(&str, usize)> {
    let trimmed = line.trim();
    // Length first: this runs on every unlabelled line, and a message line is long.
    if trimmed.len() > LABEL_SCAN_CHARS * 4
        || trimmed.chars().count() > LABEL_SCAN_CHARS
        || !has_time_of_day(trimmed)
    {
        return None;
    }
    let label = label_core(trimmed)?;
    // `明天 10:30`, `下午 3:00` on a line of their own are a time being told, not a speaker.
    if TIME_WORDS.iter().any(|w| label.contains(w)) {
        return None;
    }
    let clean = label.len() < trimmed.len()
        && !has_time_of_day(label)
        && !label
            .chars()
            .any(|c| is_label_breaker(c) || matches!(c, '：' | ':' | '︰' | '﹕'));
    clean.then_some((label, line.len()))
}

/// Words of a time, not a name: a line `明天 10:30` is no chat-export header.
const TIME_WORDS: &[&str] = &[
    "今天", "明天", "后天", "昨天", "今日", "明日", "上午", "下午", "中午", "晚上", "早上", "凌晨",
    "傍晚", "周一", "周二", "周三", "周四", "周五", "周六", "周日", "周末", "星期", "礼拜", "下周",
    "本周", "这周", "预计", "大概",
];

/// Bracket contents at a line start that are chat-export placeholders, not speakers.
const BRACKET_NOT_LABELS: &[&str] = &[
    "图片",
    "表情",
    "语音",
    "视频",
    "文件",
    "链接",
    "位置",
    "动画表情",
    "撤回",
    "系统消息",
];

/// A speaker label in brackets at the line start, with or without a colon after it:
/// `【业主】你们…`, `【客服】没办法`, `[E012]：不知道`. The bracketed text must be a label
/// (see [`parse_label`]); a time stamp (`[09:05] 王芳：`) or a placeholder (`[图片]`) is
/// none. Returns the label and the byte offset of the text after it.
pub fn parse_bracket_label(line: &str) -> Option<(&str, usize)> {
    let body = line.trim_start();
    let lead = line.len() - body.len();
    let close = match body.chars().next()? {
        '【' => '】',
        '[' => ']',
        '［' => '］',
        _ => return None,
    };
    let open_len = body.chars().next()?.len_utf8();
    let inner_end = body.find(close)?;
    let inner = body.get(open_len..inner_end)?;
    if inner.chars().count() > LABEL_SCAN_CHARS
        || inner.contains(['【', '[', '［', '：', ':'])
        || inner.chars().any(is_label_breaker)
    {
        return None;
    }
    let label = label_core(inner)?;
    if label.len() != inner.trim().len() || BRACKET_NOT_LABELS.contains(&label) {
        return None;
    }
    let after_close = inner_end + close.len_utf8();
    let rest = body.get(after_close..)?;
    let rest_trim = rest.trim_start();
    let mut after = lead + after_close + (rest.len() - rest_trim.len());
    if let Some(c) = rest_trim
        .chars()
        .next()
        .filter(|c| matches!(c, '：' | ':' | '︰' | '﹕'))
    {
        after += c.len_utf8();
    }
    Some((label, after))
}

/// The 工号-like words of a speaker label, runs of ASCII letters and digits holding a
/// digit (`客服E012` → `E012`, `管家 E013 李强` → `E013`): a label may glue the speaker's
/// 工号 to a role.
pub fn label_id_tokens(label: &str) -> impl Iterator<Item = &str> {
    label
        .split(|c: char| !c.is_ascii_alphanumeric())
        .filter(|w| w.bytes().any(|b| b.is_ascii_digit()))
}

/// Whether `s` holds a time of day: digits, `:`, two digits (`9:05`, `10:05:01`).
fn has_time_of_day(s: &str) -> bool {
    s.as_bytes().windows(4).any(|w| {
        w[0].is_ascii_digit() && w[1] == b':' && w[2].is_ascii_digit() && w[3].is_ascii_digit()
    })
}

fn is_label_breaker(c: char) -> bool {
    matches!(
        c,
        '，' | ','
            | '。'
            | '！'
            | '!'
            | '？'
            | '?'
            | '；'
            | ';'
            | '、'
            | '"'
            | '“'
            | '”'
            | '‘'
            | '’'
            | '…'
            | '《'
            | '》'
            | '「'
            | '」'
            | '『'
            | '』'
    )
}

fn label_core(raw: &str) -> Option<&str> {
    let mut label = raw.trim();
    if is_phone_number(label) {
        return Some(label);
    }
    if label.bytes().any(|b| b.is_ascii_digit()) {
        label = strip_stamp_end(strip_stamp_start(label)).trim();
    }
    // A run of digits counts as one character: `业主13912345678` is as short a label as
    // `业主王先生`.
    let mut count = 0;
    let mut prev_digit = false;
    for c in label.chars().filter(|c| !c.is_whitespace()) {
        let digit = c.is_ascii_digit();
        if !(digit && prev_digit) {
            count += 1;
        }
        prev_digit = digit;
    }
    let ok = (1..=LABEL_MAX_CHARS).contains(&count)
        && (label
            .chars()
            .any(|c| ('\u{4E00}'..='\u{9FFF}').contains(&c) || c.is_alphabetic())
            || is_phone_number(label));
    ok.then_some(label)
}

/// Whether a label is a phone number, the resident's (staff are labelled by name, role or
/// 工号): a mobile number (11 digits from 1), a landline with its area code (10 to 12
/// digits from 0) or a 400 / 800 service number, spaces, `-` and a leading `+86` allowed.
pub fn is_phone_number(label: &str) -> bool {
    let label = label.trim();
    if label.is_empty()
        || !label
            .chars()
            .all(|c| c.is_ascii_digit() || matches!(c, ' ' | '-' | '+' | '\u{3000}'))
    {
        return false;
    }
    let digits: String = label.chars().filter(char::is_ascii_digit).collect();
    let digits = match digits.strip_prefix("86") {
        Some(rest) if label.starts_with('+') || digits.len() == 13 => rest,
        _ => digits.as_str(),
    };
    match digits.as_bytes().first() {
        Some(b'1') => digits.len() == 11,
        Some(b'0') => (10..=12).contains(&digits.len()),
        Some(b'4' | b'8') => {
            digits.len() == 10 && (digits.starts_with("400") || digits.starts_with("800"))
        }
        _ => false,
    }
}

/// Whether a turn's label names the case's customer `customer` (its `customer_name`):
/// the name itself, the name with a title or role around it (王建国先生, 业主王建国), or
/// the surname alone (`陈：` for 陈建国; one or two characters, fewer than the name). A
/// one-character name is too short to tell from other labels.
pub fn names_customer(label: &str, customer: &str) -> bool {
    // Spaced out for alignment (陈 小明), as the column or the label may be.
    let (label, customer) = (squeeze(label), squeeze(customer));
    let name_len = customer.chars().count();
    if name_len < 2 || label.is_empty() {
        return false;
    }
    let label_len = label.chars().count();
    label == customer
        || label.contains(customer.as_str())
        || (label_len <= 2 && label_len < name_len && customer.starts_with(label.as_str()))
}

/// Whether a turn's label addresses the case's customer by the surname, as staff address
/// a resident: 老张, 张阿姨, 李大爷, 陈姐 for 张桂兰, 李建国, 陈丽; and, when the column
/// itself holds such a form (陈先生), any 2–4 character name of that surname (the 陈小明 of
/// the transcript). Weaker than [`names_customer`]: the caller rules out every roster
/// employee of the label, in any center.
pub fn addresses_customer(label: &str, customer: &str) -> bool {
    let (label, customer) = (squeeze(label), squeeze(customer));
    if customer.chars().count() < 2 || label.is_empty() {
        return false;
    }
    let label_len = label.chars().count();
    let surname = surname_of(&customer);
    let Some(rest) = label.strip_prefix(surname) else {
        return label.strip_prefix('老') == Some(surname) && !surname.is_empty();
    };
    if surname.is_empty() {
        return false;
    }
    if ADDRESS_FORMS.contains(&rest) {
        return true;
    }
    let recorded_by_form = customer
        .strip_prefix(surname)
        .is_some_and(|r| ADDRESS_FORMS.contains(&r));
    recorded_by_form
        && (2..=4).contains(&label_len)
        && label.chars().all(is_han)
        && !STAFF_ROLE_WORDS
            .iter()
            .chain(COLLEAGUE_WORDS)
            .chain(RECEPTION_WORDS)
            .any(|w| rest.contains(w))
}

/// `s` without its whitespace: a label or name spaced out for alignment (王　芳, 陈 小明)
/// is the name it spells.
pub fn squeeze(s: &str) -> String {
    s.chars().filter(|c| !c.is_whitespace()).collect()
}

/// What follows a surname when staff address a resident by it (张阿姨, 李大爷, 陈姐,
/// 王先生); `老` goes before it (老张).
const ADDRESS_FORMS: &[&str] = &[
    "先生", "女士", "小姐", "阿姨", "大爷", "大妈", "大娘", "大姐", "大哥", "大叔", "奶奶", "爷爷",
    "婆婆", "阿婆", "伯伯", "叔叔", "老师", "姐", "哥", "叔", "伯", "婶", "姨", "爷", "奶", "老板",
];

/// Two-character surnames, so that 欧阳娜娜 is addressed as 欧阳先生, not 欧先生.
const COMPOUND_SURNAMES: &[&str] = &[
    "欧阳", "司马", "上官", "诸葛", "东方", "皇甫", "尉迟", "公孙", "慕容", "令狐", "夏侯", "长孙",
    "宇文", "司徒", "西门", "南宫", "独孤", "端木", "呼延",
];

/// The surname of a Chinese name (its first character, or a compound surname); empty for
/// a name that does not start with a Han character.
fn surname_of(name: &str) -> &str {
    if let Some(c) = COMPOUND_SURNAMES.iter().find(|c| name.starts_with(**c)) {
        return c;
    }
    match name.chars().next() {
        Some(c) if is_han(c) => &name[..c.len_utf8()],
        _ => "",
    }
}

fn is_han(c: char) -> bool {
    matches!(c, '\u{4E00}'..='\u{9FFF}' | '\u{3400}'..='\u{4DBF}')
}

/// Labels of staff of other posts than the front desk (保安：, 保洁阿姨：, 维修师傅：, 工程部：):
/// a colleague speaking, never the first responder taking the case, unless the label
/// names them.
pub const COLLEAGUE_WORDS: &[&str] = &[
    "保安", "安保", "秩序", "门岗", "巡逻", "保洁", "清洁", "绿化", "维修", "工程", "师傅", "电工",
    "水电", "水工", "管道", "电梯", "经理", "主管", "领导", "部长", "主任", "班长", "队长", "技工",
    "机修",
];

/// Labels of the front desk that takes a case (客服：, 前台：, 答：): in a log it keeps, the
/// first responder's own turn when no roster name is given.
pub const RECEPTION_WORDS: &[&str] = &[
    "客服",
    "前台",
    "接待",
    "值班",
    "管家",
    "坐席",
    "话务",
    "工作人员",
    "物业",
    "服务中心",
    "热线",
    "接线",
    "受理",
    "员工",
    "agent",
    "staff",
    "csr",
    "operator",
    "rep",
];

/// Who an unknown speaker label (no roster employee, not the case's customer) is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum UnknownSpeaker {
    /// The front desk (客服：, 前台：, 答：) or the first responder's own name.
    Desk,
    /// A colleague of another post (保安：, 维修师傅：, 张经理：).
    Colleague,
    /// A person by name or form, neither the case's customer nor the first responder.
    Person,
}

/// Classifies a speaker label that names no roster employee and not the case's customer;
/// `responder` is the case's first responder's name as exported (may be empty).
pub fn unknown_speaker(label: &str, responder: &str) -> UnknownSpeaker {
    let folded: String = label.chars().filter_map(fold_char).collect();
    if names_in_full(label, responder) || folded == "答" || folded == "a" {
        return UnknownSpeaker::Desk;
    }
    // The desk's post first (客服主管, 值班经理 are the desk's), and 小王 for 王芳.
    if RECEPTION_WORDS.iter().any(|w| folded.starts_with(w)) {
        return UnknownSpeaker::Desk;
    }
    let responder = squeeze(responder);
    let surname = surname_of(&responder);
    if !surname.is_empty()
        && ["小", "老"]
            .iter()
            .any(|p| folded.strip_prefix(p) == Some(surname))
    {
        return UnknownSpeaker::Desk;
    }
    if COLLEAGUE_WORDS.iter().any(|w| folded.contains(w)) {
        return UnknownSpeaker::Colleague;
    }
    if RECEPTION_WORDS.iter().any(|w| folded.contains(w)) {
        return UnknownSpeaker::Desk;
    }
    UnknownSpeaker::Person
}

/// Whether a turn's label names `name` in full (王芳, 王芳经理, 客服王芳), not by a surname
/// alone: how a label names a member of staff.
pub fn names_in_full(label: &str, name: &str) -> bool {
    // Spaced out for alignment (王　芳) it is the same name.
    let (label, name) = (squeeze(label), squeeze(name));
    name.chars().count() >= 2 && label.contains(name.as_str())
}

fn is_stamp_char(c: char) -> bool {
    c.is_ascii_digit()
        || matches!(
            c,
            ':' | '-' | '/' | '.' | ' ' | '\t' | '\u{3000}' | '[' | ']' | '【' | '】'
        )
}

/// A time stamp: stamp characters with a time colon or a date (two `-` or `/`).
fn is_stamp(s: &str) -> bool {
    s.bytes().any(|b| b.is_ascii_digit())
        && (s.contains(':') || s.bytes().filter(|&b| b == b'-' || b == b'/').count() >= 2)
}

fn strip_stamp_start(s: &str) -> &str {
    let cut = s.find(|c: char| !is_stamp_char(c)).unwrap_or(s.len());
    match (s.get(..cut), s.get(cut..)) {
        (Some(stamp), Some(rest)) if !rest.is_empty() && is_stamp(stamp) => rest,
        _ => s,
    }
}

fn strip_stamp_end(s: &str) -> &str {
    let cut = s
        .char_indices()
        .rev()
        .find(|&(_, c)| !is_stamp_char(c))
        .map_or(0, |(i, c)| i + c.len_utf8());
    match (s.get(..cut), s.get(cut..)) {
        (Some(rest), Some(stamp)) if !rest.is_empty() && is_stamp(stamp) => rest,
        _ => s,
    }
}

/// Customer labels, folded.
#[derive(Debug, Clone, Default)]
struct CustomerLabels {
    labels: Vec<Vec<char>>,
    staff_roles: Vec<Vec<char>>,
}

impl CustomerLabels {
    fn new<S: AsRef<str>>(labels: &[S]) -> Self {
        let fold = |s: &str| s.chars().filter_map(fold_char).collect::<Vec<char>>();
        let keep = |v: &Vec<char>| !v.is_empty();
        CustomerLabels {
            labels: labels
                .iter()
                .map(|l| fold(l.as_ref()))
                .filter(keep)
                .collect(),
            staff_roles: STAFF_ROLE_WORDS
                .iter()
                .chain(COLLEAGUE_WORDS)
                .chain(RECEPTION_WORDS)
                .map(|w| fold(w))
                .filter(keep)
                .collect(),
        }
    }

    fn matches(&self, label: &str) -> bool {
        // A phone number is the resident's, unless no label is a customer's at all
        // (`speakers = "all"`).
        if !self.labels.is_empty() && is_phone_number(label) {
            return true;
        }
        let mut buf = ['\0'; LABEL_FOLD_MAX];
        let mut n = 0;
        for c in label.chars().filter_map(fold_char) {
            let Some(slot) = buf.get_mut(n) else {
                return false;
            };
            *slot = c;
            n += 1;
        }
        let folded = &buf[..n];
        let (Some(first), Some(last)) = (folded.first(), folded.last()) else {
            return false;
        };
        // A question-and-answer transcript: 问： is the resident asking (顾问 is staff: only
        // the label alone).
        if !self.labels.is_empty() && matches!(folded, ['问'] | ['q'] | ['提', '问']) {
            return true;
        }
        self.labels.iter().any(|l| {
            if l.last() == Some(last) && folded.ends_with(l) {
                // 保洁阿姨, 维修大哥: a colleague addressed by a form, not a resident.
                let head = &folded[..folded.len() - l.len()];
                return !self
                    .staff_roles
                    .iter()
                    .any(|w| head.windows(w.len()).any(|x| x == w.as_slice()));
            }
            if l.first() != Some(first) {
                return false;
            }
            match folded.strip_prefix(l.as_slice()) {
                Some([]) => true,
                Some(rest) => !self.staff_roles.iter().any(|w| rest.starts_with(w)),
                None => false,
            }
        })
    }
}

/// A line of speech, borrowing the text.
#[derive(Clone, Copy)]
struct TurnRef<'a> {
    speaker: Option<&'a str>,
    is_customer: bool,
    /// The line has no label of its own: it continues the previous line's turn.
    continued: bool,
    line: usize,
    start: usize,
    text: &'a str,
}

impl<'a> From<TurnRef<'a>> for Turn<'a> {
    fn from(t: TurnRef<'a>) -> Self {
        Turn {
            speaker: t.speaker.map(str::to_owned),
            is_customer: t.is_customer,
            line: t.line,
            text_start: t.start,
            text: t.text,
        }
    }
}

struct TurnIter<'a, 'c> {
    lines: LineIter<'a>,
    customers: &'c CustomerLabels,
    current: Option<(&'a str, bool)>,
    /// The two labels seen last and whether each is a customer's (a transcript
    /// alternates between two speakers).
    seen: [Option<(&'a str, bool)>; 2],
    /// The current turn's label line starts with a paragraph indent.
    current_indented: bool,
}

impl<'a, 'c> TurnIter<'a, 'c> {
    fn new(text: &'a str, customers: &'c CustomerLabels) -> Self {
        TurnIter {
            lines: LineIter::new(text),
            customers,
            current: None,
            seen: [None; 2],
            current_indented: false,
        }
    }

    /// Whether `label`, found on `line` inside the resident's turn, is a heading of the
    /// resident's own text rather than a new speaker: a label not seen before in this
    /// text and not the resident's, that is either on a line indented as a paragraph
    /// (`　　细数该地段治理不当情况：…`) when the resident's label line was not, or reads
    /// as a heading (`问题一：`, `具体情况：`, `业主诉求：`). A resident writing
    /// a letter puts headings in it; a staff reply starts a line of its own label.
    fn heading_in_customer_turn(&self, line: &str, label: &str) -> bool {
        let Some((_, true)) = self.current else {
            return false;
        };
        if self.seen.iter().flatten().any(|&(l, _)| l == label) || self.customers.matches(label) {
            return false;
        }
        if names_staff_or_reply(label) {
            return false;
        }
        (is_indented(line) && !self.current_indented && reads_as_heading_text(label))
            || is_heading_label(label)
    }
}

/// Whether a line starts with a paragraph indent: an ideographic space, a tab, or two
/// spaces.
fn is_indented(line: &str) -> bool {
    line.starts_with(['\u{3000}', '\t']) || line.starts_with("  ")
}

/// A label naming a staff role or a reply (`客服`, `前台`, `客服回复`, `处理情况`,
/// `办理情况`, `核实情况`): a speaker however it reads, never a heading of the resident's.
fn names_staff_or_reply(label: &str) -> bool {
    let folded: String = label.chars().filter_map(fold_char).collect();
    [
        "客服",
        "前台",
        "管家",
        "物业",
        "回复",
        "答复",
        "经理",
        "主管",
        "工作人员",
        "接待",
        "处理",
        "办理",
        "核实",
        "整改",
        "反馈",
        "意见",
        "结果",
    ]
    .iter()
    .any(|w| folded.contains(w))
}

/// An indented label long enough to be a line of the resident's letter, not a speaker
/// (`细数该地段治理不当情况`); a name (`王芳`) is a speaker however indented.
fn reads_as_heading_text(label: &str) -> bool {
    label.chars().filter_map(fold_char).count() >= 6
}

/// Words that end a heading in a resident's letter, not a speaker's name or role.
const HEADING_ENDS: &[&str] = &[
    "情况", "问题", "诉求", "原因", "经过", "事项", "如下", "要求", "建议", "现状", "背景", "地址",
    "事实", "理由", "补充",
];

/// A label that reads as a heading: ending with a word of [`HEADING_ENDS`], or an
/// ordinal (`问题一`, `问题2`, `第三`, `其一`).
fn is_heading_label(label: &str) -> bool {
    let folded: String = label.chars().filter_map(fold_char).collect();
    if HEADING_ENDS.iter().any(|w| folded.ends_with(w)) {
        return true;
    }
    let numeral = |c: char| c.is_ascii_digit() || "一二三四五六七八九十".contains(c);
    ["问题", "第", "其"].iter().any(|p| {
        folded
            .strip_prefix(p)
            .is_some_and(|rest| !rest.is_empty() && rest.chars().all(numeral))
    })
}

impl<'a> Iterator for TurnIter<'a, '_> {
    type Item = TurnRef<'a>;

    fn next(&mut self) -> Option<TurnRef<'a>> {
        loop {
            let (line, line_start, line_text) = self.lines.next()?;
            let content_from = match parse_bracket_label(line_text)
                .or_else(|| parse_label(line_text))
                .or_else(|| parse_header(line_text))
                .filter(|&(label, _)| !self.heading_in_customer_turn(line_text, label))
            {
                Some((label, after)) => {
                    self.current_indented = is_indented(line_text);
                    let customer = match self.seen {
                        [Some((l, c)), _] | [_, Some((l, c))] if l == label => c,
                        _ => {
                            let c = self.customers.matches(label);
                            self.seen = [Some((label, c)), self.seen[0]];
                            c
                        }
                    };
                    self.current = Some((label, customer));
                    after
                }
                None => usize::MAX,
            };
            let continued = content_from == usize::MAX;
            let content_from = if continued { 0 } else { content_from };
            let rest = line_text.get(content_from..).unwrap_or_default();
            let content = rest.trim_start();
            let start = line_start + content_from + (rest.len() - content.len());
            let content = content.trim_end();
            if content.is_empty() {
                continue;
            }
            let (speaker, is_customer) = match self.current {
                Some((label, customer)) => (Some(label), customer),
                None => (None, false),
            };
            return Some(TurnRef {
                speaker,
                is_customer,
                continued,
                line,
                start,
                text: content,
            });
        }
    }
}

/// What ends a line: `\n`, `\r\n` or `\r`. (U+0085, U+2028 and U+2029 are whitespace
/// within a line: dropped when matching, a space in evidence.)
const LINE_BREAKS: [char; 2] = ['\n', '\r'];

/// Lines of a text: `(1-based number, byte offset, line without its break)`.
///
/// Each kind of break is searched with `str::find` (memchr) and its next position cached,
/// so a text is scanned once per kind whatever its number of lines.
struct LineIter<'a> {
    text: &'a str,
    pos: usize,
    line: usize,
    done: bool,
    /// Next position of each break at or after `pos`; `None` = not searched yet,
    /// `Some(usize::MAX)` = no more.
    next_break: [Option<usize>; LINE_BREAKS.len()],
}

impl<'a> LineIter<'a> {
    fn new(text: &'a str) -> Self {
        LineIter {
            text,
            pos: 0,
            line: 0,
            done: false,
            next_break: [None; LINE_BREAKS.len()],
        }
    }
}

impl<'a> Iterator for LineIter<'a> {
    type Item = (usize, usize, &'a str);

    fn next(&mut self) -> Option<Self::Item> {
        if self.done {
            return None;
        }
        let start = self.pos;
        let rest = self.text.get(start..).unwrap_or_default();
        let mut end = usize::MAX;
        for (cached, brk) in self.next_break.iter_mut().zip(LINE_BREAKS) {
            let at = match *cached {
                Some(at) if at >= start => at,
                _ => rest.find(brk).map_or(usize::MAX, |i| start + i),
            };
            *cached = Some(at);
            end = end.min(at);
        }
        let next = if end == usize::MAX {
            self.done = true;
            end = self.text.len();
            end
        } else if self.text.get(end..).is_some_and(|r| r.starts_with("\r\n")) {
            end + 2
        } else {
            end + 1
        };
        self.pos = next;
        self.line += 1;
        Some((
            self.line,
            start,
            self.text.get(start..end).unwrap_or_default(),
        ))
    }
}

/// Normalises a text for matching: full-width ASCII to half-width, ASCII lower-cased,
/// traditional characters to simplified, whitespace, punctuation, symbols, combining marks
/// and control characters dropped. Returns the normalised text and, for each of its
/// characters, the byte offset in `text` of the character it comes from.
pub fn normalize(text: &str) -> (String, Vec<usize>) {
    let mut norm = String::with_capacity(text.len());
    let mut offsets = Vec::with_capacity(text.len() / 2);
    normalize_into(text, 0, &mut norm, &mut offsets);
    (norm, offsets)
}

fn normalize_into(text: &str, base: usize, norm: &mut String, offsets: &mut Vec<usize>) {
    for (i, c) in text.char_indices() {
        if let Some(f) = fold_char(c) {
            norm.push(f);
            offsets.push(base + i);
        }
    }
}

/// Appends the normalised `text` to `norm`, copying runs of unchanged characters at once.
/// Same result as folding every character with [`fold_char`]; the common cases (ASCII
/// lower-case letters and digits, CJK unified ideographs that are not traditional, the
/// CJK and full-width punctuation) are recognised on the bytes. Returns the mask of the
/// gate's characters seen.
fn normalize_gated(text: &str, norm: &mut String, gate: &Gate) -> u64 {
    let bytes = text.as_bytes();
    let mut seen = 0;
    let mut run = 0;
    let mut i = 0;
    while let Some(&lead) = bytes.get(i) {
        if lead.is_ascii_lowercase() || lead.is_ascii_digit() {
            i += 1;
            continue;
        }
        let (c, width) = if (0xE0..=0xEF).contains(&lead) && i + 2 < bytes.len() {
            let cp = decode3(bytes, i);
            if let Some(class) = cp
                .checked_sub(GATE_LO)
                .and_then(|o| gate.class.get(o as usize))
            {
                if *class != TRADITIONAL {
                    seen |= gate.bit(*class);
                    i += 3;
                    continue;
                }
            }
            (char::from_u32(cp), 3)
        } else {
            let c = text.get(i..).and_then(|r| r.chars().next());
            (c, c.map_or(1, char::len_utf8))
        };
        let Some(c) = c else {
            break;
        };
        let folded = fold_char(c);
        if folded != Some(c) {
            norm.push_str(text.get(run..i).unwrap_or_default());
            if let Some(f) = folded {
                norm.push(f);
                if let Some(class) = (f as u32)
                    .checked_sub(GATE_LO)
                    .and_then(|o| gate.class.get(o as usize))
                {
                    seen |= gate.bit(*class);
                }
            }
            run = i + width;
        }
        i += width;
    }
    norm.push_str(text.get(run..).unwrap_or_default());
    if gate.needs.is_empty() {
        u64::MAX
    } else {
        seen
    }
}

/// Per-character classes of the CJK unified ideographs, built once per [`Matcher`]: which
/// are traditional (the slow path) and which are phrase characters. The latter give a
/// necessary condition checked while normalising, so that most lines never reach the
/// automaton: a phrase can only match a line that contains every one of its characters.
/// The condition is used when all phrase characters are CJK unified ideographs and there
/// are at most 64 distinct ones (else `needs` is empty); it changes the speed only, never
/// a result.
#[derive(Clone)]
struct Gate {
    /// For each code point of `GATE_LO..=GATE_HI`: 0, [`TRADITIONAL`], or 1 + the index of
    /// a phrase character.
    class: Box<[u8]>,
    /// For each phrase, the mask of its characters (bit `i` = phrase character `i`).
    needs: Vec<u64>,
}

impl std::fmt::Debug for Gate {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        // The class table has 20,992 entries: show what it decides, not the table.
        f.debug_struct("Gate")
            .field("needs", &self.needs)
            .finish_non_exhaustive()
    }
}

const GATE_LO: u32 = 0x4E00;
const GATE_HI: u32 = 0x9FFF;
const TRADITIONAL: u8 = u8::MAX;

impl Gate {
    fn new(patterns: &[String]) -> Gate {
        let mut class = vec![0u8; (GATE_HI - GATE_LO) as usize + 1];
        for (cp, slot) in (GATE_LO..=GATE_HI).zip(class.iter_mut()) {
            if is_traditional(cp) {
                *slot = TRADITIONAL;
            }
        }
        let mut chars: Vec<u32> = Vec::new();
        let mut needs = Vec::with_capacity(patterns.len());
        'patterns: for pattern in patterns {
            let mut need = 0u64;
            for c in pattern.chars() {
                let cp = c as u32;
                let index = match chars.iter().position(|&x| x == cp) {
                    Some(index) => index,
                    None if chars.len() < 64 && (GATE_LO..=GATE_HI).contains(&cp) => {
                        chars.push(cp);
                        chars.len() - 1
                    }
                    None => {
                        needs.clear();
                        break 'patterns;
                    }
                };
                need |= 1u64 << index;
            }
            needs.push(need);
        }
        if !needs.is_empty() {
            for (index, &cp) in chars.iter().enumerate() {
                if let Some(slot) = class.get_mut((cp - GATE_LO) as usize) {
                    // A normalised phrase character is simplified, never TRADITIONAL.
                    *slot = u8::try_from(index + 1).unwrap_or(0);
                }
            }
        }
        Gate {
            class: class.into_boxed_slice(),
            needs,
        }
    }

    /// The mask bit of a class (0 for a character that is no phrase character).
    #[inline]
    fn bit(&self, class: u8) -> u64 {
        match class {
            0 | TRADITIONAL => 0,
            c => 1u64 << ((c - 1) & 63),
        }
    }

    /// Whether a normalised character may be part of a phrase (always, when the gate is
    /// off).
    fn is_phrase_char(&self, c: char) -> bool {
        if self.needs.is_empty() {
            return true;
        }
        (c as u32)
            .checked_sub(GATE_LO)
            .and_then(|o| self.class.get(o as usize))
            .is_some_and(|&class| self.bit(class) != 0)
    }

    fn may_match(&self, seen: u64) -> bool {
        self.needs.is_empty() || self.needs.iter().any(|&need| need & !seen == 0)
    }
}

/// Sentence punctuation: it ends a clause, so a phrase or allowed context is not matched
/// across it (`不，知道您不方便` holds no 不知道) — unless every character of the match is
/// set apart, the evasion `没，办，法`. The separators used to hide a phrase (`·`, `-`,
/// `.`, `~`, `、`, spaces, dashes, brackets …) are simply dropped.
fn is_boundary(c: char) -> bool {
    matches!(c, '，' | '。' | '？' | '！' | '；' | '：' | '?' | '!' | ';')
}

/// What comes before a normalised character in the original text: [`GAP_NONE`] (it
/// follows the previous kept character directly), [`GAP_SEPARATOR`] (only dropped
/// characters) or [`GAP_BOUNDARY`] (sentence punctuation among them).
const GAP_NONE: u8 = 0;
const GAP_SEPARATOR: u8 = 1;
const GAP_BOUNDARY: u8 = 2;

/// For each byte offset of `norm` (the normalisation of `text`) that starts a character,
/// the gap before that character; other offsets hold [`GAP_NONE`].
fn gaps_into(text: &str, norm_len: usize, gaps: &mut Vec<u8>) {
    gaps.clear();
    gaps.resize(norm_len, GAP_NONE);
    let (mut pos, mut pending) = (0, GAP_NONE);
    for c in text.chars() {
        match fold_char(c) {
            Some(f) => {
                if let Some(slot) = gaps.get_mut(pos) {
                    *slot = pending;
                }
                pos += f.len_utf8();
                pending = GAP_NONE;
            }
            None if is_boundary(c) => pending = GAP_BOUNDARY,
            None => pending = pending.max(GAP_SEPARATOR),
        }
    }
}

/// Whether `norm[s..e]` may be read as one word: it crosses no sentence punctuation, or
/// every one of its characters is set apart from the previous (`没，办，法`).
fn joins(norm: &str, gaps: &[u8], s: usize, e: usize) -> bool {
    let Some(inner) = norm.get(s..e) else {
        return true;
    };
    let mut crossed = false;
    let mut all_apart = true;
    let mut n_gaps = 0;
    for (i, _) in inner.char_indices().skip(1) {
        let gap = gaps.get(s + i).copied().unwrap_or(GAP_NONE);
        crossed |= gap == GAP_BOUNDARY;
        all_apart &= gap != GAP_NONE;
        n_gaps += 1;
    }
    // Every character set apart is the evasion (没，办，法) only with two gaps or more: a
    // two-character phrase across one boundary is two clauses (您听明白了不？懂的话…).
    !crossed || (all_apart && n_gaps >= 2)
}

/// One character, normalised; `None` when it is dropped.
#[inline]
fn fold_char(c: char) -> Option<char> {
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        // CJK unified ideographs: never dropped, possibly traditional.
        return Some(to_simplified(c));
    }
    if c.is_ascii() {
        return c.is_ascii_alphanumeric().then(|| c.to_ascii_lowercase());
    }
    if ('\u{FF01}'..='\u{FF5E}').contains(&c) {
        let half = char::from_u32(c as u32 - 0xFEE0)?;
        return half
            .is_ascii_alphanumeric()
            .then(|| half.to_ascii_lowercase());
    }
    if is_dropped(c) {
        return None;
    }
    Some(to_simplified(c))
}

/// Non-ASCII whitespace, punctuation, symbols, combining marks, format and control
/// characters.
fn is_dropped(c: char) -> bool {
    match c as u32 {
        // Latin-1 controls, NBSP, soft hyphen, ¡…¿, ×, ÷.
        0x80..=0xBF | 0xD7 | 0xF7 => true,
        // Spacing modifier letters, combining diacritical marks.
        0x2B0..=0x36F | 0x1AB0..=0x1AFF | 0x1DC0..=0x1DFF => true,
        // Mongolian free variation selectors and vowel separator.
        0x180B..=0x180F => true,
        // General punctuation (dashes, quotes, …, zero-width and bidi marks), super- and
        // subscripts, currency, combining marks for symbols, letterlike symbols, number
        // forms, arrows, mathematical operators, technical, enclosed alphanumerics, box
        // drawing, shapes, miscellaneous symbols, dingbats.
        0x2000..=0x2BFF => true,
        // Supplemental punctuation; ideographic description characters.
        0x2E00..=0x2E7F | 0x2FF0..=0x2FFF => true,
        // CJK symbols and punctuation, except 々 〆 〇, Hangzhou numerals and kana marks.
        0x3000..=0x303F => !matches!(
            c as u32,
            0x3005..=0x3007 | 0x3021..=0x3029 | 0x3031..=0x3035 | 0x3038..=0x303C
        ),
        // Kana sound marks, ゠, middle dot ・, prolonged sound mark ー (used as a dash).
        0x3099..=0x309C | 0x30A0 | 0x30FB | 0x30FC => true,
        // Enclosed CJK letters, CJK compatibility units (㈠ ㊣ ㎡).
        0x3200..=0x33FF => true,
        // Variation selectors, vertical forms, combining half marks, CJK compatibility
        // forms, small forms, byte order mark.
        0xFE00..=0xFE6F | 0xFEFF => true,
        // Half-width CJK punctuation, full-width symbols, specials (incl. U+FFFD).
        0xFF00 | 0xFF5F..=0xFF65 | 0xFFE0..=0xFFFF => true,
        // Mahjong, cards, enclosed supplements, emoji, symbols, legacy computing.
        0x1F000..=0x1FBFF => true,
        // Tags, variation selectors supplement.
        0xE0000..=0xE0FFF => true,
        _ => c.is_whitespace() || c.is_control(),
    }
}

/// The simplified form of a traditional character (or the character itself).
#[inline]
pub(crate) fn to_simplified(c: char) -> char {
    let cp = c as u32;
    if !(T2S_LO..T2S_HI).contains(&cp) {
        return c;
    }
    if !is_traditional(cp) {
        return c;
    }
    let table = T2S.as_bytes();
    let (mut lo, mut hi) = (0, table.len() / 6);
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        let key = decode3(table, mid * 6);
        if key == cp {
            return char::from_u32(decode3(table, mid * 6 + 3)).unwrap_or(c);
        }
        if key < cp {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    c
}

/// Whether `cp` is a key of [`T2S`].
#[inline]
fn is_traditional(cp: u32) -> bool {
    let Some(bit) = cp.checked_sub(T2S_LO).map(|b| b as usize) else {
        return false;
    };
    let word = T2S_BITS.get(bit / 64).copied().unwrap_or(0);
    word & (1u64 << (bit % 64)) != 0
}

/// Decodes the 3-byte UTF-8 character at `b[i..i + 3]` (0 if out of range).
const fn decode3(b: &[u8], i: usize) -> u32 {
    if i + 2 >= b.len() {
        return 0;
    }
    ((b[i] as u32 & 0x0F) << 12) | ((b[i + 1] as u32 & 0x3F) << 6) | (b[i + 2] as u32 & 0x3F)
}

const T2S_LO: u32 = 0x2E80;
const T2S_HI: u32 = 0xFB00;
const T2S_WORDS: usize = ((T2S_HI - T2S_LO) as usize).div_ceil(64);

/// Which code points in `T2S_LO..T2S_HI` are keys of [`T2S`]: most characters miss and
/// need no search.
static T2S_BITS: [u64; T2S_WORDS] = t2s_bits();

const fn t2s_bits() -> [u64; T2S_WORDS] {
    let b = T2S.as_bytes();
    let mut bits = [0u64; T2S_WORDS];
    let mut i = 0;
    while i + 6 <= b.len() {
        let key = decode3(b, i);
        if key >= T2S_LO && key < T2S_HI {
            let bit = (key - T2S_LO) as usize;
            bits[bit / 64] |= 1u64 << (bit % 64);
        }
        i += 6;
    }
    bits
}

/// Checked at compile time: pairs of 3-byte characters, keys strictly ascending and within
/// `T2S_LO..T2S_HI`, no value that is itself a key (so normalising is idempotent).
const fn t2s_is_valid() -> bool {
    let b = T2S.as_bytes();
    if !b.len().is_multiple_of(6) {
        return false;
    }
    let mut i = 0;
    let mut last = 0;
    while i < b.len() {
        if b[i] & 0xF0 != 0xE0 || b[i + 3] & 0xF0 != 0xE0 {
            return false;
        }
        let key = decode3(b, i);
        if key <= last || key < T2S_LO || key >= T2S_HI {
            return false;
        }
        last = key;
        i += 6;
    }
    let bits = t2s_bits();
    let mut j = 0;
    while j < b.len() {
        let value = decode3(b, j + 3);
        if value >= T2S_LO && value < T2S_HI {
            let bit = (value - T2S_LO) as usize;
            if bits[bit / 64] & (1u64 << (bit % 64)) != 0 {
                return false;
            }
        }
        j += 6;
    }
    true
}

const _: () = assert!(t2s_is_valid(), "T2S table is malformed");

/// Traditional → simplified, generated with OpenCC `t2s` (1,439 pairs): every traditional
/// form of a character that occurs in the seed regulation or the public 物业 message-board
/// data, plus CJK compatibility ideographs and Kangxi radicals (via NFKC) of such characters.
/// Each entry is a traditional character followed by its simplified form; keys ascending.
const T2S: &str = "\
⺟母⼀一⼆二⼈人⼉儿⼊入⼋八⼏几⼑刀⼒力⼗十⼚厂⼜又⼝口⼟土⼠士⼣夕⼤大⼥女⼦子\
⼩小⼭山⼯工⼰己⼱巾⼲干⼴广⼼心⼾户⼿手⽀支⽂文⽃斗⽄斤⽅方⽆无⽇日⽈曰⽉月⽊木\
⽋欠⽌止⽐比⽑毛⽓气⽔水⽕火⽗父⽚片⽛牙⽜牛⽝犬⽟玉⽠瓜⽢甘⽣生⽤用⽥田⽩白⽪皮\
⽬目⽭矛⽮矢⽯石⽰示⽴立⽵竹⽶米⽹网⽺羊⽻羽⽼老⽽而⽿耳⾁肉⾃自⾄至⾆舌⾊色⾍虫\
⾎血⾏行⾐衣⾒见⾓角⾔言⾕谷⾖豆⾙贝⾚赤⾛走⾜足⾝身⾞车⾟辛⾠辰⾣酉⾥里⾦金⾧长\
⾨门⾪隶⾬雨⾮非⾯面⾰革⾳音⾴页⾵风⾶飞⾷食⾸首⾹香⾺马⾻骨⾼高⾾斗⿂鱼⿇麻⿈黄\
⿊黑⿎鼓⿏鼠⿐鼻⿑齐⿒齿⿓龙丟丢並并乾干亂乱亞亚佈布佔占併并來来侷局係系俬私倀伥\
倆俩倉仓個个們们倖幸倫伦偉伟側侧偵侦偽伪傑杰傘伞備备傢家傳传債债傷伤傾倾僅仅僑侨\
僕仆僞伪僥侥僱雇價价儀仪億亿儉俭儘尽償偿優优儲储儷俪儼俨兇凶兌兑兒儿內内兩两冊册\
凈净凍冻凱凯別别則则剋克剎刹剛刚剝剥創创剷铲劃划劇剧劉刘劍剑劑剂動动務务勝胜勞劳\
勢势勵励勸劝匯汇區区協协卹恤卻却卽即厠厕厤历厲厉參参叢丛吳吴員员唸念問问啓启啟启\
喪丧喫吃喬乔單单嗎吗嗚呜嘗尝嘩哗嘯啸噁恶噠哒噴喷噸吨噹当嚇吓嚐尝嚮向嚴严囂嚣囌苏\
囪囱國国圍围園园圓圆圖图團团埰采執执堅坚報报場场塊块塵尘墊垫墜坠墮堕墰坛墻墙壇坛\
壓压壘垒壜坛壞坏壟垄壠垅壯壮夠够夢梦夥伙奧奥奪夺奬奖奮奋妝妆娛娱婦妇媽妈孫孙學学\
寀采實实寧宁審审寫写寬宽寶宝將将專专尋寻對对導导屆届屢屡層层屬属峯峰島岛崑昆崗岗\
嵗岁嶺岭嶽岳巖岩師师帳帐帶带幟帜幣币幫帮幷并幹干幾几庫库廁厕廂厢廈厦廕荫廚厨廠厂\
廢废廣广廳厅弔吊張张強强彆别彈弹彌弥彎弯彔录彙汇彿佛後后徑径從从復复徵征徹彻恆恒\
恥耻悅悦悶闷惡恶惱恼愛爱慄栗態态慘惨慚惭慣惯慮虑慶庆慼戚慾欲憂忧憑凭憚惮憤愤憲宪\
憶忆懇恳應应懞蒙懲惩懶懒懷怀懸悬懾慑戰战戶户扞捍捨舍捫扪捱挨捲卷掃扫掛挂採采揚扬\
換换揮挥損损搖摇搧扇搶抢摯挚摺折摻掺撈捞撐撑撓挠撥拨撿捡擁拥擇择擊击擋挡擔担據据\
擠挤擡抬擬拟擰拧擱搁擴扩擺摆擾扰攔拦攜携攝摄攢攒攤摊攪搅攬揽敎教敗败數数斂敛斷断\
於于旂旗旣既昇升時时晉晋晝昼暢畅暫暂曆历曉晓曏向書书會会朮术東东査查桿杆條条棄弃\
棊棋棟栋楊杨楓枫業业極极榦干榮荣構构槍枪樁桩樂乐樑梁樓楼標标樣样樸朴樹树橋桥機机\
橫横檔档檢检檯台檻槛櫃柜櫥橱櫻樱欄栏權权歐欧歡欢歲岁歷历歸归殘残殻壳殼壳毀毁毆殴\
氣气氾泛汎泛汙污決决沒没沖冲況况洩泄涼凉淥渌淨净淩凌淪沦淺浅減减測测渾浑湊凑湧涌\
湯汤準准溝沟溫温溼湿滅灭滙汇滬沪滯滞滲渗滾滚滿满漢汉漬渍漲涨漸渐潑泼潔洁潛潜潤润\
澤泽濃浓濕湿濛蒙濟济濫滥濱滨瀆渎瀝沥瀟潇瀰弥瀾澜灑洒灕漓灘滩灣湾災灾為为烏乌無无\
煉炼煙烟煥焕煩烦熱热燈灯燉炖燒烧營营燬毁燻熏爍烁爛烂爭争爲为爾尔牀床牆墙牴抵牽牵\
犧牺狀状狹狭獃呆獎奖獨独獲获獵猎獷犷獻献現现瑣琐環环瓊琼瓏珑產产産产畝亩畢毕畫画\
異异畵画當当疇畴疊叠瘓痪瘡疮療疗癒愈癥症癬癣癱瘫發发盜盗盡尽監监盤盘盪荡眞真眾众\
睏困睜睁瞞瞒矇蒙硃朱確确碼码磚砖礎础礙碍礦矿祕秘禍祸禦御禮礼稅税稈秆種种稱称穀谷\
積积穩稳穫获窩窝窪洼窮穷窯窑竈灶竊窃競竞筆笔箇个節节範范築筑簡简簽签籃篮籌筹籠笼\
籤签籲吁糞粪糧粮糰团糾纠紀纪約约紅红紋纹納纳純纯紙纸級级紛纷紮扎細细紹绍終终組组\
結结絕绝絞绞絡络給给統统絲丝絶绝綁绑綉绣綑捆經经綜综綠绿綫线維维網网綵彩綿绵緊紧\
緑绿緒绪線线締缔緣缘編编緩缓練练緻致縣县縫缝縮缩縱纵總总績绩織织繕缮繞绕繡绣繩绳\
繪绘繫系繭茧繳缴繹绎繼继續续纍累纏缠纔才纜缆罈坛罎坛罰罚罵骂罷罢羅罗羈羁羣群義义\
習习翫玩翹翘聖圣聞闻聯联聲声聳耸職职聽听肅肃脅胁脩修脫脱腦脑腳脚膠胶膩腻膽胆臉脸\
臟脏臥卧臨临臺台與与興兴舉举舊旧舖铺舘馆艱艰艷艳茲兹荊荆莊庄華华菸烟萬万葉叶葯药\
蒞莅蒼苍蓆席蓋盖蓮莲蔘参蔭荫蕩荡薈荟薦荐藍蓝藝艺藥药蘇苏蘋苹蘭兰處处虛虚號号虧亏\
蝕蚀蝸蜗蟲虫蟻蚁蠅蝇蠻蛮衆众術术衕同衚胡衛卫衝冲裏里補补裝装裡里製制複复襬摆襯衬\
覈核見见規规視视親亲覺觉覽览觀观觸触訂订計计訊讯討讨訓训託托記记訟讼訪访設设許许\
訴诉診诊註注証证詐诈評评詞词詢询試试詩诗話话該该詳详誇夸誌志認认誘诱語语誠诚誡诫\
誣诬誤误說说説说誰谁課课誹诽誼谊調调談谈諉诿請请諒谅論论諦谛諧谐諮咨諸诸諾诺謀谋\
謂谓謊谎謗谤講讲謝谢謾谩譁哗證证識识譜谱譟噪譭毁議议譴谴護护譽誉讀读變变讓让讚赞\
谿溪豈岂豐丰豔艳貓猫貝贝負负財财貢贡貧贫貨货販贩貪贪貫贯責责貴贵買买貸贷費费貼贴\
貿贸賂赂賃赁賄贿資资賓宾賠赔賣卖賦赋質质賬账賭赌賴赖賺赚購购贈赠贊赞贏赢趕赶趙赵\
趨趋跡迹踐践踰逾蹟迹蹤踪車车軌轨軍军軒轩軟软軸轴較较載载輒辄輓挽輔辅輕轻輛辆輝辉\
輩辈輪轮輯辑輸输輻辐輿舆轄辖轉转轎轿轟轰辦办辭辞農农迴回逕径這这連连週周進进遊游\
運运過过達达違违遙遥遞递遠远適适遲迟遶绕遷迁選选遺遗邁迈還还邊边邏逻郵邮鄉乡鄧邓\
鄭郑鄰邻醣糖醫医釀酿釋释釐厘針针釦扣鈅钥鈎钩鈞钧鈡钟鉅巨鉆钻鉤钩銀银銅铜銘铭銜衔\
銳锐銷销銹锈鋁铝鋅锌鋒锋鋪铺鋭锐鋼钢錄录錢钱錦锦錯错録录錶表鍊炼鍋锅鍍镀鍛锻鍵键\
鍼针鍾钟鎖锁鎭镇鎮镇鏇旋鏈链鏟铲鏽锈鐘钟鐵铁鑑鉴鑒鉴鑰钥鑽钻鑿凿長长門门閃闪閉闭\
開开閑闲閒闲間间閘闸閣阁閤合閥阀閱阅閲阅闆板闇暗闊阔闖闯關关陞升陣阵陰阴陳陈陸陆\
陽阳隊队階阶際际隨随險险隱隐隸隶隻只雖虽雙双雜杂雞鸡離离難难雲云電电霑沾霧雾靈灵\
靜静鞏巩鞦秋韆千響响頁页頂顶項项順顺須须頌颂預预頑顽頒颁頓顿領领頭头頸颈頻频顆颗\
題题額额顏颜顔颜願愿顛颠類类顧顾顫颤顯显風风颱台颳刮飄飘飆飙飛飞飯饭飲饮飴饴飼饲\
飽饱飾饰養养餓饿餘余館馆餬糊饋馈馬马馳驰駁驳駐驻駕驾駛驶駡骂騎骑騙骗騰腾騷骚驕骄\
驗验驚惊驟骤髒脏體体髮发鬆松鬍胡鬚须鬥斗鬧闹魚鱼鮮鲜鳴鸣鴨鸭鴻鸿鷄鸡鷹鹰鹹咸鹼碱\
麗丽麪面麫面麯曲麴曲麵面麼么麽么黃黄點点黨党黴霉鼕冬齊齐齒齿齡龄齣出龍龙龐庞豈岂\
更更車车滑滑串串句句契契金金喇喇奈奈懶懒羅罗裸裸邏逻樂乐落落亂乱欄栏爛烂蘭兰濫滥\
藍蓝拉拉廊廊浪浪狼狼來来冷冷勞劳老老路路露露綠绿錄录論论壟垄弄弄籠笼牢牢賂赂雷雷\
壘垒屢屡樓楼漏漏累累陋陋勒勒凌凌菱菱讀读樂乐諾诺寧宁怒怒率率異异北北便便復复不不\
數数索索參参塞塞省省葉叶說说辰辰拾拾若若略略亮亮兩两凉凉梁梁糧粮良良諒谅量量勵励\
女女旅旅麗丽黎黎力力曆历歷历年年煉炼練练聯联蓮莲連连鍊炼列列劣劣烈烈裂裂說说廉廉\
念念獵猎令令寧宁嶺岭聆聆零零靈灵領领例例禮礼隸隶惡恶了了僚僚尿尿料料樂乐療疗龍龙\
劉刘柳柳流流留留類类六六陸陆倫伦淪沦輪轮律律慄栗栗栗率率隆隆利利履履易易李李梨梨\
泥泥理理裏里裡里里里離离匿匿林林淋淋臨临立立狀状識识什什茶茶刺刺切切度度拓拓糖糖\
宅宅洞洞暴暴輻辐行行降降見见晴晴益益礼礼神神祥祥福福精精羽羽諸诸都都飯饭飼饲館馆\
侮侮免免勉勉勤勤卑卑喝喝器器層层悔悔慨慨懲惩敏敏既既梅梅海海渚渚漢汉社社祉祉祖祖\
祝祝禍祸穀谷突突節节練练繁繁署署者者臭臭著著視视賓宾贈赠難难響响頻频舘馆並并况况\
全全充充勇勇喝喝彩彩慎慎愈愈懲惩戴戴晴晴望望流流滋滋漢汉犯犯画画益益盛盛直直着着\
節节类类練练者者荒荒華华覆覆視视調调諸诸請请諾诺變变贈赠輸输遲迟難难響响頻频\
";

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use std::sync::OnceLock;

    fn matcher() -> &'static Matcher {
        static M: OnceLock<Matcher> = OnceLock::new();
        M.get_or_init(|| Matcher::new(&PhraseConfig::default()).expect("default config compiles"))
    }

    /// `(phrase, speaker, line)` of every finding.
    fn verdict(text: &str) -> Vec<(String, Option<String>, usize)> {
        matcher()
            .find(text)
            .into_iter()
            .map(|f| (f.phrase, f.speaker, f.line))
            .collect()
    }

    fn violation(
        phrase: &str,
        speaker: Option<&str>,
        line: usize,
    ) -> Vec<(String, Option<String>, usize)> {
        vec![(phrase.to_owned(), speaker.map(str::to_owned), line)]
    }

    fn none() -> Vec<(String, Option<String>, usize)> {
        Vec::new()
    }

    // --- 首问责任管理制度 4.7: staff must not say 不知道 / 没办法 / 不归我管 -------------

    #[test]
    fn c01_staff_says_bu_gui_wo_guan_is_a_violation_by_the_speaker() {
        assert_eq!(
            verdict("王芳：这个不归我管"),
            violation("不归我管", Some("王芳"), 1)
        );
    }

    #[test]
    fn c02_resident_quoting_staff_is_not_a_violation() {
        assert_eq!(verdict("业主：上次保安说不归他管，还说不知道"), none());
        // Real resident text (annex 4, 留言 7297 and 3910), labelled as the resident's turn.
        assert_eq!(
            verdict("业主：问起物业，物业说不知道，只见十六栋架空层上方挂着横幅"),
            none()
        );
        assert_eq!(
            verdict("投诉人：再说你这事本身也就不归我们管……他们就说些这样的话语"),
            none()
        );
    }

    #[test]
    fn c03_spacing_punctuation_and_traditional_do_not_hide_the_phrase() {
        for text in [
            "王芳：不 归 我 管",
            "王芳：不-归-我-管",
            "王芳：不歸我管",
            "王芳：不、归我管",
            "王芳：不\u{3000}歸——我…管",
            "王芳：不\u{200B}归我管",
            "王芳：⼀句话，不归我管",
        ] {
            assert_eq!(
                verdict(text),
                violation("不归我管", Some("王芳"), 1),
                "{text}"
            );
        }
        assert_eq!(verdict("王芳：我不知道"), verdict("王芳：我不 知 道"));
        assert_eq!(
            verdict("王芳：辦不了"),
            violation("办不了", Some("王芳"), 1)
        );
        assert_eq!(
            verdict("王芳：沒辦法"),
            violation("没办法", Some("王芳"), 1)
        );
        assert_eq!(
            verdict("王芳：不歸我們管"),
            violation("不归我们管", Some("王芳"), 1)
        );
    }

    #[test]
    fn c04_as_written_is_the_original_text() {
        let f = matcher().find("王芳：这个不 歸-我 管，您找工程部。");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].as_written, "不 歸-我 管");
        assert_eq!(f[0].phrase, "不归我管");
        assert_eq!(
            &"王芳：这个不 歸-我 管，您找工程部。"[f[0].start..f[0].end],
            "不 歸-我 管"
        );
    }

    #[test]
    fn c05_polite_question_is_an_allowed_context() {
        assert_eq!(verdict("王芳：不知道您是否方便明天上门？"), none());
        assert_eq!(verdict("王芳：不知道您什么时候方便？"), none());
        assert_eq!(verdict("王芳：不 知 道 您是否方便明天上门？"), none());
        assert_eq!(
            verdict("王芳：不知道您是否方便？我也不知道。"),
            violation("不知道", Some("王芳"), 1)
        );
        // `不知道您` alone is not allowed: “我也不知道您这事该找谁” is the evasion.
        assert_eq!(
            verdict("王芳：我也不知道您这事该找谁"),
            violation("不知道", Some("王芳"), 1)
        );
    }

    #[test]
    fn c06_offer_to_explain_is_an_allowed_context() {
        assert_eq!(verdict("王芳：如有不清楚的地方请随时联系"), none());
        assert_eq!(verdict("王芳：您还有什么不清楚的，我再解释"), none());
        assert_eq!(verdict("王芳：有不懂的地方可以问我"), none());
        assert_eq!(
            verdict("王芳：信号不好，我听不清楚，麻烦您再说一遍"),
            none()
        );
        assert_eq!(
            verdict("王芳：这个我也不清楚"),
            violation("不清楚", Some("王芳"), 1)
        );
        // The resident not following, or a document that is unclear, with an offer.
        assert_eq!(verdict("王芳：如果您听不懂，我再给您讲一遍"), none());
        assert_eq!(verdict("王芳：说明书写得不清楚，我上门给您演示"), none());
        assert_eq!(verdict("王芳：您还没办法律援助手续吗"), none());
        assert_eq!(
            verdict("王芳：没办法，律师来了也一样"),
            violation("没办法", Some("王芳"), 1)
        );
        // Staff not following is still a brush-off.
        assert_eq!(
            verdict("王芳：这个我也看不懂"),
            violation("不懂", Some("王芳"), 1)
        );
    }

    #[test]
    fn c07_failed_call_is_not_a_refusal_but_mei_banfa_is() {
        assert_eq!(
            verdict("王芳：昨天一直没办法联系上您，今天再跟您确认"),
            none()
        );
        assert_eq!(
            verdict("王芳：没办法，这是规定"),
            violation("没办法", Some("王芳"), 1)
        );
        assert_eq!(verdict("王芳：也不是没办法，我帮您申请"), none());
    }

    #[test]
    fn c08_half_width_colon_and_label_with_a_space() {
        assert_eq!(
            verdict("客服 李娜: 没办法"),
            violation("没办法", Some("客服 李娜"), 1)
        );
    }

    #[test]
    fn c09_unlabelled_reply_is_staff_speech() {
        assert_eq!(verdict("对不起，这个办不了"), violation("办不了", None, 1));
        // The same real resident words, without a label, would be charged to staff.
        assert_eq!(verdict("根本没办法入睡"), violation("没办法", None, 1));
        // Except words reported from someone else (C31), labelled or not.
        assert_eq!(verdict("问起物业，物业说不知道"), none());
    }

    #[test]
    fn c10_longer_phrase_is_reported_once() {
        assert_eq!(
            verdict("王芳：这事不归我们管"),
            violation("不归我们管", Some("王芳"), 1)
        );
        assert_eq!(
            verdict("王芳：不归 我们 管"),
            violation("不归我们管", Some("王芳"), 1)
        );
    }

    #[test]
    fn c11_every_occurrence_is_reported() {
        let v = verdict("王芳：不知道，真不知道，不懂");
        let phrases: Vec<&str> = v.iter().map(|(p, _, _)| p.as_str()).collect();
        assert_eq!(phrases, ["不知道", "不知道", "不懂"]);
    }

    #[test]
    fn c12_unlabelled_lines_continue_the_previous_speaker() {
        let text = "王芳：您好\n这个我不知道\n业主：那怎么办\n我也不懂\n\n李娜：不归我管";
        assert_eq!(
            verdict(text),
            vec![
                ("不知道".to_owned(), Some("王芳".to_owned()), 2),
                ("不归我管".to_owned(), Some("李娜".to_owned()), 6),
            ]
        );
        // Text before the first label is staff speech without a speaker.
        assert_eq!(
            verdict("来电记录\n不知道\n业主：好"),
            violation("不知道", None, 2)
        );
    }

    #[test]
    fn c13_line_breaks_join_only_within_one_staff_turn() {
        let text = "王芳：好的\r\n业主：嗯\r李娜：不知道\u{2028}不归\n王芳：我管";
        assert_eq!(verdict(text), violation("不知道", Some("李娜"), 3));
        assert_eq!(verdict("李娜：不归\n业主：我管"), none());
        assert_eq!(verdict("业主：不归\n我管"), none());
        assert_eq!(verdict("李娜：不归\n\n我管"), none());
        // U+2028 is whitespace inside a line, and a space in evidence.
        let f = matcher().find("李娜：不\u{2028}知道\u{85}好");
        assert_eq!(f[0].evidence, "不\u{2028}知道 好".replace('\u{2028}', " "));
    }

    #[test]
    fn c14_customer_labels() {
        let m = matcher();
        for label in [
            "业主",
            "业主王先生",
            "张先生（业主）",
            "3栋住户",
            "來電人",
            "客户 王",
            "Customer",
            "王女士",
        ] {
            assert!(m.is_customer_label(label), "{label}");
        }
        for label in [
            "王芳",
            "客服",
            "客户经理王芳",
            "客户服务部李娜",
            "业主服务中心",
            "保安",
            "工程部",
        ] {
            assert!(!m.is_customer_label(label), "{label}");
        }
        assert_eq!(
            verdict("客户经理王芳：不知道"),
            violation("不知道", Some("客户经理王芳"), 1)
        );
        assert_eq!(verdict("业主王先生：你们不知道吗"), none());
    }

    #[test]
    fn c15_time_stamps_around_labels() {
        assert_eq!(
            verdict("09:05 王芳：不知道"),
            violation("不知道", Some("王芳"), 1)
        );
        assert_eq!(verdict("[2026-10-03 09:05] 业主：不知道"), none());
        assert_eq!(
            verdict("王芳 09:05：不知道"),
            violation("不知道", Some("王芳"), 1)
        );
        // A time in the text is not a label colon.
        assert_eq!(verdict("明天09:30来，不知道"), violation("不知道", None, 1));
    }

    #[test]
    fn c24_chat_export_header_lines_name_the_speaker_of_the_next_lines() {
        // WeChat / IM exports: `<label> <time>` alone on a line, the message below it.
        let text = "陈建国 2026-10-08 10:05\n你们总是不知道怎么修？\n王芳 10:06\n这个不归我们管";
        assert_eq!(
            verdict(text),
            vec![
                ("不知道".to_owned(), Some("陈建国".to_owned()), 2),
                ("不归我们管".to_owned(), Some("王芳".to_owned()), 4),
            ]
        );
        assert_eq!(
            verdict("业主 10:05:01\n你们总是不知道？\n还有\n王芳 10:06\n没办法"),
            violation("没办法", Some("王芳"), 5)
        );
        assert_eq!(
            verdict("李强 2026-10-08 10:05\n不知道"),
            violation("不知道", Some("李强"), 2)
        );
        assert_eq!(
            verdict("10:05:01 业主\n不知道\n[10:06] 王芳\n不懂"),
            violation("不懂", Some("王芳"), 4)
        );
        // Only a whole line of label and time of day is a header.
        assert_eq!(parse_header("明天上午10点，不知道 10:05"), None);
        // A time told on a line of its own is no speaker.
        assert_eq!(parse_header("明天 10:30"), None);
        assert_eq!(parse_header("下午 3:00"), None);
        assert_eq!(parse_header("周六 09:00"), None);
        assert_eq!(parse_header("王芳 2026-10-08"), None);
        assert_eq!(parse_header("10:05"), None);
        assert_eq!(parse_header("王芳：不知道 10:05"), None);
        assert_eq!(verdict("王芳：好的\n业主：嗯\n预计10:30到，不知道"), none());
    }

    #[test]
    fn c25_bracketed_labels() {
        assert_eq!(verdict("【业主】你们总是不知道？"), none());
        assert_eq!(
            verdict("【客服】没办法"),
            violation("没办法", Some("客服"), 1)
        );
        assert_eq!(
            verdict("【业主】你们总是不知道？\n【李强】没办法"),
            violation("没办法", Some("李强"), 2)
        );
        assert_eq!(
            verdict("[E012]：不知道"),
            violation("不知道", Some("E012"), 1)
        );
        assert_eq!(verdict("［王芳］ 不懂"), violation("不懂", Some("王芳"), 1));
        // A bracketed time stamp or a placeholder is no label.
        assert_eq!(
            verdict("[2026-10-03 09:05] 王芳：不知道"),
            violation("不知道", Some("王芳"), 1)
        );
        assert_eq!(verdict("业主：你好\n[图片]不知道怎么办"), none());
        assert_eq!(parse_bracket_label("【温馨提示，请注意】不知道"), None);
        assert_eq!(parse_bracket_label("不知道【业主】"), None);
        // A 工号 glued to a role: `客服E012` is charged to E012 (forbidden_phrase resolves
        // the tokens against the roster).
        assert_eq!(
            verdict("客服E012：不知道"),
            violation("不知道", Some("客服E012"), 1)
        );
        assert_eq!(label_id_tokens("客服E012").collect::<Vec<_>>(), ["E012"]);
        assert_eq!(
            label_id_tokens("管家 E013 李强").collect::<Vec<_>>(),
            ["E013"]
        );
        assert_eq!(label_id_tokens("管家王芳").count(), 0);
    }

    #[test]
    fn c26_the_resident_by_phone_number_or_surname() {
        assert_eq!(verdict("13912345678：你们总是不知道？"), none());
        assert_eq!(verdict("业主13912345678：你们总是不知道？"), none());
        assert_eq!(verdict("139 1234 5678: 不知道"), none());
        assert_eq!(verdict("+86 139-1234-5678：不知道"), none());
        assert_eq!(verdict("0571-88886666：不知道"), none());
        assert_eq!(verdict("用户8832：不知道"), none());
        for label in ["13912345678", "业主13912345678", "400-820-8820"] {
            assert!(matcher().is_customer_label(label), "{label}");
        }
        // Not phone numbers: a 工号, a time, a date, a short number.
        for label in ["E012", "2026-10-08", "1", "12345"] {
            assert!(!is_phone_number(label), "{label}");
        }
        assert_eq!(
            verdict("13912345678：好\nE012：不知道"),
            violation("不知道", Some("E012"), 2)
        );
        // The customer's surname alone (forbidden_phrase skips the case's customer).
        assert!(names_customer("陈", "陈建国"));
        assert!(names_customer("陈建国", "陈建国"));
        assert!(names_customer("业主陈建国", "陈建国"));
        assert!(!names_customer("陈", "陈"));
        assert!(!names_customer("王", "陈建国"));
        assert!(!names_customer("张三", "陈建国"));
        // Forms of address by the surname, and the column holding such a form.
        assert!(names_customer("陈 小明", "陈小明"));
        for (label, customer) in [
            ("张阿姨", "张桂兰"),
            ("老张", "张三"),
            ("陈姐", "陈丽"),
            ("李大爷", "李建国"),
            ("欧阳先生", "欧阳娜娜"),
            ("陈小明", "陈先生"),
        ] {
            assert!(addresses_customer(label, customer), "{label} / {customer}");
            assert!(!names_customer(label, customer), "{label} / {customer}");
        }
        for (label, customer) in [
            ("王阿姨", "张桂兰"),
            ("老王", "张三"),
            ("陈经理", "陈先生"),
            ("欧先生", "欧阳娜娜"),
            ("陈保安", "陈先生"),
        ] {
            assert!(!addresses_customer(label, customer), "{label} / {customer}");
        }
        assert_eq!(unknown_speaker("保安", "王芳"), UnknownSpeaker::Colleague);
        assert_eq!(unknown_speaker("王 芳", "王芳"), UnknownSpeaker::Desk);
        assert_eq!(unknown_speaker("客服主管", "王芳"), UnknownSpeaker::Desk);
        assert_eq!(unknown_speaker("Agent", "Wang Fang"), UnknownSpeaker::Desk);
        assert_eq!(unknown_speaker("小王", "王芳"), UnknownSpeaker::Desk);
        assert_eq!(unknown_speaker("小李", "王芳"), UnknownSpeaker::Person);
        assert_eq!(
            unknown_speaker("维修师傅", "王芳"),
            UnknownSpeaker::Colleague
        );
        assert_eq!(unknown_speaker("客服", "王芳"), UnknownSpeaker::Desk);
        assert_eq!(unknown_speaker("答", "王芳"), UnknownSpeaker::Desk);
        assert_eq!(unknown_speaker("前台王芳", "王芳"), UnknownSpeaker::Desk);
        assert_eq!(unknown_speaker("李雷", "王芳"), UnknownSpeaker::Person);
    }

    #[test]
    fn c27_sentence_punctuation_is_a_boundary_not_a_separator() {
        // `不，…` is “no, …”: the next clause is not the rest of a phrase.
        assert_eq!(verdict("王芳：不，知道您不方便，我们晚上再来"), none());
        assert_eq!(verdict("王芳：不，清楚地告诉您，明天修好"), none());
        assert_eq!(verdict("王芳：不，归我管，我来处理"), none());
        for sep in ["，", "。", "？", "！", "；", "：", "?", "!", ";"] {
            assert_eq!(verdict(&format!("王芳：不{sep}知道")), none(), "{sep}");
        }
        // The separators used to hide a phrase still join it.
        for sep in ["·", "-", ".", "~", "、", " ", "…", "——", "*"] {
            assert_eq!(
                verdict(&format!("王芳：不{sep}知{sep}道")),
                violation("不知道", Some("王芳"), 1),
                "{sep}"
            );
        }
        // Punctuation after every character is the evasion, not a clause boundary.
        for (text, phrase) in [
            ("王芳：说实话我们也没，办，法。", "没办法"),
            ("王芳：不，知，道", "不知道"),
            ("王芳：不。归 我，管", "不归我管"),
        ] {
            assert_eq!(verdict(text), violation(phrase, Some("王芳"), 1), "{text}");
        }
        // A two-character phrase across one boundary is two clauses, never “every
        // character set apart”: 不？懂 is a question and its answer.
        assert_eq!(verdict("王芳：您听明白了不？懂的话我就挂了"), none());
        assert_eq!(verdict("王芳：没，办法有的"), none());
        // An allowed context does not join across a boundary either: 不是，没办法 (“no,
        // there is no way”) is the evasion 不是没办法 is not.
        assert_eq!(
            verdict("王芳：不是，没办法"),
            violation("没办法", Some("王芳"), 1)
        );
        let f = matcher().find("王芳：真的，不 知道。");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].as_written, "不 知道");
        assert_eq!(f[0].evidence, "真的，不 知道。");
    }

    #[test]
    fn c28_negations_questions_and_the_residents_own_not_knowing_are_allowed() {
        for text in [
            "王芳：我们不是不知道，是在等配件",
            "王芳：您是不是不知道去哪里办？我带您去",
            "王芳：不是不清楚，是要核实一下",
            "王芳：我问问工程部有没办法今天修",
            "王芳：我问问工程部有没有办法今天修",
            "王芳：小孩子不懂事，您别生气",
            "王芳：您不知道的话，我发给您",
            "王芳：您刚才说您不知道找谁，我来帮您联系",
            "王芳：这不是不懂，是要走流程",
            "王芳：怕您不清楚，我再跟您说一遍流程",
            "王芳：您要是不清楚，随时打给我",
            "王芳：如果您还不懂，我再演示一次",
            "王芳：没有办不了的事，您放心",
        ] {
            assert_eq!(verdict(text), none(), "{text}");
        }
        // Staff's own not knowing stays a violation.
        assert_eq!(
            verdict("王芳：您不知道？我也不知道"),
            violation("不知道", Some("王芳"), 1)
        );
        assert_eq!(
            verdict("王芳：有，没办法"),
            violation("没办法", Some("王芳"), 1)
        );
        assert_eq!(
            verdict("王芳：我不懂，问别人"),
            violation("不懂", Some("王芳"), 1)
        );
        // The resident named but not the subject of the not knowing, a retort, a 不是…吗
        // that asks the resident to agree it is not theirs, and enough talk (不说了).
        for (text, phrase) in [
            ("王芳：这事不是不归我管吗，找工程部", "不归我管"),
            ("王芳：不说了不知道", "不知道"),
            ("王芳：我不说了 不归我管", "不归我管"),
            ("王芳：老实告诉你不知道", "不知道"),
            ("王芳：我只能回复您不清楚", "不清楚"),
            ("王芳：你不懂就去问开发商", "不懂"),
            ("王芳：您不清楚就别问了", "不清楚"),
            ("王芳：我说您不清楚就去问开发商", "不清楚"),
            ("王芳：您这事不清楚", "不清楚"),
            ("王芳：您说的这个我不知道", "不知道"),
            ("王芳：您这事没办法", "没办法"),
            ("王芳：您这个办不了", "办不了"),
            ("王芳：有办不了的事，您找别人", "办不了"),
        ] {
            assert_eq!(verdict(text), violation(phrase, Some("王芳"), 1), "{text}");
        }
    }

    #[test]
    fn c29_a_phrase_split_over_a_line_break_inside_one_staff_turn() {
        assert_eq!(
            verdict("客服：这个不归\n我管"),
            violation("不归我管", Some("客服"), 1)
        );
        let f = matcher().find("客服：这个不归\r\n  我管，您找居委会");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].as_written, "不归\r\n  我管");
        assert_eq!(f[0].evidence, "这个不归    我管，您找居委会");
        // Unlabelled reply lines are one staff speech too; matches on either line stay.
        assert_eq!(
            verdict("对不起，没办法，这个不\n知道"),
            vec![
                ("没办法".to_owned(), None, 1),
                ("不知道".to_owned(), None, 1),
            ]
        );
        assert_eq!(
            verdict("王芳：不知道\n不懂"),
            vec![
                ("不知道".to_owned(), Some("王芳".to_owned()), 1),
                ("不懂".to_owned(), Some("王芳".to_owned()), 2),
            ]
        );
        // A header's message lines are one turn with it.
        assert_eq!(
            verdict("王芳 10:06\n这个不归我\n们管"),
            violation("不归我们管", Some("王芳"), 2)
        );
        // Sentence punctuation before the break still ends the clause.
        assert_eq!(verdict("客服：不，\n知道您不方便"), none());
    }

    /// C30: staff repeating what someone else said, in quotation marks after a reporting
    /// word, are not saying it: 您反映保安说“不归我管” is the complaint being taken down.
    /// Their own words in quotation marks still count.
    #[test]
    fn c30_someone_elses_words_quoted_are_not_staffs_own() {
        for text in [
            "王芳：您反映保安说“不归我管”，我们已经批评教育了",
            "王芳：您说前台回复「没办法」，这是我们的错",
            "王芳：收到，对方称：“不知道”，我再去问",
            "王芳：保安讲了\"不清楚\"是吗？我来核实",
            "王芳：您反映的情况我记下了：维修工说‘这个不归我们管’",
        ] {
            assert_eq!(verdict(text), none(), "{text}");
        }
        // A whole utterance in quotation marks, scare quotes, an unclosed quotation and a
        // quotation without a reporting word are the speaker's own words.
        assert_eq!(
            verdict("王芳：“这个不归我管”"),
            violation("不归我管", Some("王芳"), 1)
        );
        assert_eq!(
            verdict("王芳：这个我们“没办法”处理"),
            violation("没办法", Some("王芳"), 1)
        );
        assert_eq!(
            verdict("王芳：我说“不归我管，你找别人"),
            violation("不归我管", Some("王芳"), 1)
        );
        // After a quotation closes, the speaker's words are their own again.
        assert_eq!(
            verdict("王芳：您说“好的”，可我不知道"),
            violation("不知道", Some("王芳"), 1)
        );
        assert_eq!(
            verdict("王芳：他说\"好\"，\"不知道\""),
            violation("不知道", Some("王芳"), 1)
        );
        // Quotation marks inside a phrase do not hide it, after a reporting word or not.
        for text in [
            "王芳：不“知”道",
            "王芳：我说不“知”道",
            "王芳：我说“不”归“我管”",
            "王芳：您说：“好”，不‘归’我管",
        ] {
            assert_eq!(verdict(text).len(), 1, "{text}");
        }
        // The resident's own turn is not staff's in any case; staff's next turn counts.
        assert_eq!(
            verdict("业主：保安说“不归我管”\n王芳：这个不归我管"),
            violation("不归我管", Some("王芳"), 2)
        );
    }

    /// C31: 首问责任管理制度 4.7 forbids staff *using* 不知道 / 不归我管; staff taking down
    /// what a guard or the resident said, without quotation marks, are not using them: the
    /// words come right after a reporting word (说, 告诉, 反映 …) whose subject is someone
    /// else. The speaker's own saying, or saying with no subject, is the evasion itself.
    #[test]
    fn c31_someone_elses_words_reported_without_quotation_marks_are_not_staffs_own() {
        for text in [
            "王芳：您反映保安说不知道，我们会批评教育",
            "业主反映保安说不归我管，已安排处理",
            "王芳：保安告诉您不归我们管是错误的",
            "王芳：保安跟您说了不知道？我来处理",
            "王芳：对方称：不清楚，我再去问",
            "王芳：他表示不清楚，我去工程部核实",
            "王芳：您刚才反映说没办法，我帮您申请",
            "王芳：维修工告诉过您办不了，是他的错",
            "王芳：保安跟我说不知道，我批评他了",
            // Outside bodies, as real replies report them (gov_board_wuye's 答复).
            "客服：经核实，社区表示不清楚此事。",
            "客服：据了解，开发商称没办法提前交房。",
            "客服：城管说没办法，我们会督促。",
            "客服：供电公司答复没办法今天恢复，我们继续跟进",
            "客服：楼上邻居说不知道漏水的事，我们上门查看",
            // any company, group, unit or bureau by its last word
            "客服：电梯维保公司说没办法，我们会督促。",
            "客服：水务集团表示没办法，我们会督促。",
            "客服：房产局回复不归他们管，我们再去问。",
            "客服：交警说没办法，我们会督促。",
        ] {
            assert_eq!(verdict(text), none(), "{text}");
        }
        // The speaker's own company saying it is the speaker's refusal.
        for (text, phrase) in [
            ("客服：我们公司说了没办法", "没办法"),
            ("客服：我们物业说不归我们管", "不归我们管"),
            ("客服：本单位表示没办法", "没办法"),
            ("客服：公司表示没办法", "没办法"),
            ("客服：我们物业公司说了没办法", "没办法"),
            ("客服：我们的公司说没办法", "没办法"),
        ] {
            assert_eq!(verdict(text), violation(phrase, Some("客服"), 1), "{text}");
        }
        // First person or no subject: the speaker's own words.
        for (text, phrase) in [
            ("王芳：我说了不知道", "不知道"),
            ("王芳：跟您说了没办法", "没办法"),
            ("王芳：我早就说过不归我管", "不归我管"),
            ("王芳：我们说不归我们管", "不归我们管"),
            ("王芳：我跟保安说不知道", "不知道"),
            ("王芳：早就说过不知道", "不知道"),
            // A topic (保安的事) is not the one who speaks.
            ("王芳：保安的事跟您说了没办法", "没办法"),
            // Only fillers, the addressee and a colon may stand between: a comma or a
            // subject of its own ends the report.
            ("王芳：保安说，不知道", "不知道"),
            ("王芳：保安说我不知道", "不知道"),
        ] {
            assert_eq!(verdict(text), violation(phrase, Some("王芳"), 1), "{text}");
        }
        // Every word of the lists is written as normalisation leaves it.
        for w in UNQUOTED_REPORTING_WORDS
            .iter()
            .chain(REPORT_FILLERS)
            .chain(ADDRESSEES)
            .chain(ADDRESSEE_MARKERS)
            .chain(OTHER_SPEAKERS)
            .chain(OWN_SPEAKERS)
            .chain(BODY_SUFFIXES)
        {
            assert_eq!(normalize(w).0, *w);
        }
    }

    /// C32: a promise not to say the words is not saying them (4.7 forbids the use):
    /// 我们不会说不归我们管 is the opposite of the evasion.
    #[test]
    fn c32_negated_saying_is_not_saying_the_words() {
        for text in [
            "王芳：我们不会说不归我们管，这事我负责到底",
            "王芳：绝不会跟您说不知道",
            "王芳：我们从来不说没办法",
            "王芳：我们不能对业主讲办不了",
            "王芳：您放心，别说不清楚，我们查清楚",
            "王芳：我没说不知道，我是说还在查",
            "王芳：我从没说过不归我管",
            "王芳：咱们不说不知道，我去问",
            "王芳：我没有跟您说没办法",
        ] {
            assert_eq!(verdict(text), none(), "{text}");
        }
        // Out of scope, kept narrow: no reporting word right after the negation.
        for text in ["王芳：我不会，不知道", "王芳：不会说话，不知道"] {
            assert_eq!(
                verdict(text),
                violation("不知道", Some("王芳"), 1),
                "{text}"
            );
        }
        for w in SAY_NEGATIONS {
            assert_eq!(normalize(w).0, *w);
        }
    }

    /// C33: 标准模板 四.1 forbids staff brushing the resident off with 不清楚; the resident
    /// not being clear about something (您对流程不清楚) is what 4.4 asks staff to explain.
    #[test]
    fn c33_the_residents_own_not_knowing_after_nin_dui_is_allowed() {
        for text in [
            "王芳：如果您对流程不清楚，可以随时问我",
            "王芳：您对收费标准不知道的话，我发给您",
            "王芳：要是您对这个操作还不懂，我上门教您",
        ] {
            assert_eq!(verdict(text), none(), "{text}");
        }
        // A first-person pronoun between: staff's own not knowing again.
        assert_eq!(
            verdict("王芳：您对这个问我，我也不清楚"),
            violation("不清楚", Some("王芳"), 1)
        );
        assert_eq!(
            verdict("王芳：您对这事咱们也不知道"),
            violation("不知道", Some("王芳"), 1)
        );
        // Only not knowing: 没办法 / 办不了 / 不归我管 stay refusals.
        assert_eq!(
            verdict("王芳：您对这事没办法"),
            violation("没办法", Some("王芳"), 1)
        );
        assert_eq!(
            verdict("王芳：您这事没办法"),
            violation("没办法", Some("王芳"), 1)
        );
        assert_eq!(
            verdict("王芳：您对这个不满意也办不了"),
            violation("办不了", Some("王芳"), 1)
        );
    }

    /// C34: 我也不知道您看着办吧 is 4.7's 不知道 and a brush-off besides; only asking the
    /// resident's view (不知道您看这样行不行) is a polite question.
    #[test]
    fn c34_bu_zhidao_nin_kan_zhe_ban_is_a_violation_the_polite_question_is_not() {
        for text in ["王芳：我也不知道您看着办吧", "王芳：我也不知道您看着处理"]
        {
            assert_eq!(
                verdict(text),
                violation("不知道", Some("王芳"), 1),
                "{text}"
            );
        }
        for text in [
            "王芳：不知道您看这样安排行不行？",
            "王芳：不知道您看可以吗？",
            "王芳：不知道您看什么时间方便？",
            "王芳：不知道您看怎么处理比较好？",
            "王芳：不知道您看能不能接受？",
            "王芳：不知道您看哪天方便？",
            "王芳：不知道您看行吗？",
        ] {
            assert_eq!(verdict(text), none(), "{text}");
        }
    }

    /// C35: 没有办法 is 4.7's 没办法 said in full; its failed calls, negation and question
    /// are no refusal, as for 没办法.
    #[test]
    fn c35_mei_you_banfa_is_mei_banfa_in_full() {
        for text in [
            "王芳：没有办法，这是规定",
            "王芳：这个沒有辦法",
            "王芳：没 有 办 法",
        ] {
            assert_eq!(
                verdict(text),
                violation("没有办法", Some("王芳"), 1),
                "{text}"
            );
        }
        for text in [
            "王芳：昨天一直没有办法联系上您，今天再跟您确认",
            "王芳：电话没有办法接通，我晚点再打",
            "王芳：也不是没有办法，我帮您申请",
            "王芳：我问问工程部有没有办法今天修",
        ] {
            assert_eq!(verdict(text), none(), "{text}");
        }
    }

    #[test]
    fn c16_what_is_not_a_label() {
        assert_eq!(parse_label("好的，我说：不知道"), None);
        assert_eq!(parse_label("这是一段很长很长很长的说明文字：不知道"), None);
        assert_eq!(parse_label("请访问 https://example.com"), None);
        assert_eq!(parse_label("1：不知道"), None);
        assert_eq!(parse_label("：不知道"), None);
        assert_eq!(parse_label("王芳：不知道"), Some(("王芳", "王芳：".len())));
    }

    #[test]
    fn c17_evidence_keeps_ten_characters_each_side() {
        let text = "王芳：一二三四五六七八九十甲乙不知道子丑寅卯辰巳午未申酉戌亥";
        let f = matcher().find(text);
        assert_eq!(f.len(), 1);
        assert_eq!(
            f[0].evidence,
            "…三四五六七八九十甲乙不知道子丑寅卯辰巳午未申酉…"
        );
        let f = matcher().find("王芳：嗯不知道\n下一行");
        assert_eq!(f[0].evidence, "嗯不知道");
        let f = matcher().find("王芳：\t不知道\u{7}啊");
        assert_eq!(f[0].evidence, "不知道 啊");
    }

    /// A resident's letter has headings (`问题一：`, `　　细数该地段治理不当情况：`): they
    /// are not a new speaker, so the resident's own 没办法 under one is not charged to
    /// staff (real case 18038 of gov_board_wuye). A staff label after them still is.
    #[test]
    fn c18b_headings_in_a_residents_letter_are_not_speakers() {
        for text in [
            "网友：夜宵摊太吵了\n\u{3000}\u{3000}细数该地段治理不当情况：根本没办法入睡\n客服：我们已联系城管。",
            "网友：交房拖了一年\n问题一：开发商说了好多次，我们也没办法\n客服：已转工程部核实。",
            "业主：具体情况：楼上漏水，我不知道找谁\n客服：马上安排师傅上门。",
            "业主：楼道灯坏了\n  补充一下楼道里晚上的样子：根本没办法走\n客服：今天修好。",
        ] {
            assert_eq!(verdict(text), none(), "{text}");
        }
        // Staff still speak under their own label, after a heading or indented.
        assert_eq!(
            verdict("网友：漏水\n问题一：天花板\n客服：这个不归我管"),
            violation("不归我管", Some("客服"), 3)
        );
        assert_eq!(
            verdict("\u{3000}\u{3000}网友：漏水\n\u{3000}\u{3000}客服：这个不归我管"),
            violation("不归我管", Some("客服"), 2)
        );
        // An indented staff label after an unindented resident turn is still a speaker.
        for (text, who) in [
            ("网友：漏水\n  客服：这个不归我管", "客服"),
            ("网友：漏水\n\t前台：这个不归我管", "前台"),
            ("网友：漏水\n\u{3000}\u{3000}王芳：这个不归我管", "王芳"),
            (
                "网友：漏水\n\u{3000}\u{3000}客服回复：这个不归我管",
                "客服回复",
            ),
        ] {
            assert_eq!(
                verdict(text),
                violation("不归我管", Some(who), 2),
                "{text:?}"
            );
        }
        // A reply's label that reads like a heading is staff's after a resident's turn.
        for (text, who) in [
            ("业主：楼道灯坏了\n处理情况：这个不归我们管", "处理情况"),
            ("业主：楼道灯坏了\n核实情况：没办法", "核实情况"),
        ] {
            let phrase = if text.contains("不归") {
                "不归我们管"
            } else {
                "没办法"
            };
            assert_eq!(verdict(text), violation(phrase, Some(who), 2), "{text:?}");
        }
        // In a staff turn a heading-like label is a label as before (staff either way).
        assert_eq!(
            verdict("王芳：您好\n处理情况：没办法"),
            violation("没办法", Some("处理情况"), 2)
        );
        for w in HEADING_ENDS {
            assert_eq!(normalize(w).0, *w);
        }
    }

    #[test]
    fn c18_split_turns() {
        let labels: Vec<String> = DEFAULT_CUSTOMER_LABELS
            .iter()
            .map(|s| (*s).to_owned())
            .collect();
        let text = "前言\n王芳： 您好 \n继续\n业主:好的\n\n";
        let turns = split_turns(text, &labels);
        let shape: Vec<(Option<&str>, bool, usize, &str)> = turns
            .iter()
            .map(|t| (t.speaker.as_deref(), t.is_customer, t.line, t.text))
            .collect();
        assert_eq!(
            shape,
            [
                (None, false, 1, "前言"),
                (Some("王芳"), false, 2, "您好"),
                (Some("王芳"), false, 3, "继续"),
                (Some("业主"), true, 4, "好的"),
            ]
        );
        for t in &turns {
            assert!(text[t.text_start..].starts_with(t.text));
        }
    }

    #[test]
    fn c19_normalize_maps_back_to_the_original() {
        let (norm, offsets) = normalize("ＡＢ，不 歸\u{3000}我管！");
        assert_eq!(norm, "ab不归我管");
        assert_eq!(offsets, [0, 3, 9, 13, 19, 22]);
        assert!(DEFAULT_PHRASES.iter().all(|p| normalize(p).0 == *p));
        let trad = "歸們辦沒裡裏這個說會問題處幫麼為關係";
        assert_eq!(normalize(trad).0, "归们办没里里这个说会问题处帮么为关系");
    }

    #[test]
    fn c20_bad_configurations_are_reported_together() {
        let cfg = PhraseConfig {
            phrases: vec!["，，".into(), "不知道".into()],
            allow: vec![" ".into()],
            customer_labels: vec!["业主".into()],
        };
        let err = Matcher::new(&cfg).unwrap_err();
        assert!(
            err.contains("phrase \"，，\"") && err.contains("allowed context \" \""),
            "{err}"
        );
        let empty = PhraseConfig {
            phrases: vec![],
            allow: vec![],
            customer_labels: vec![],
        };
        assert!(Matcher::new(&empty).unwrap_err().contains("no phrase"));
    }

    #[test]
    fn c21_duplicates_after_normalisation_keep_the_first_spelling() {
        let cfg = PhraseConfig {
            phrases: vec!["推诿".into(), "推 諉".into()],
            allow: vec![],
            customer_labels: vec![],
        };
        let m = Matcher::new(&cfg).unwrap();
        let f = m.find("这不是推諉");
        assert_eq!(f.len(), 1);
        assert_eq!(f[0].phrase, "推诿");
        assert_eq!(f[0].as_written, "推諉");
    }

    #[test]
    fn c23_the_module_documentation_example() {
        let text = "业主：楼道灯坏了三天了，上次保安说不归他管。\n\
                    王芳：这个不歸-我 管，您找工程部吧。\n\
                    王芳：不知道您是否方便明天上午在家？";
        let f = matcher().find(text);
        assert_eq!(f.len(), 1);
        assert_eq!(
            (f[0].speaker.as_deref(), f[0].phrase.as_str(), f[0].line),
            (Some("王芳"), "不归我管", 2)
        );
        assert_eq!(f[0].as_written, "不歸-我 管");
        assert_eq!(f[0].evidence, "这个不歸-我 管，您找工程部吧。");
    }

    #[test]
    fn c22_degenerate_inputs() {
        for text in [
            "",
            "\n",
            "\r\n\r\n",
            "：",
            ":",
            "\u{301}",
            "业主：",
            "王芳：\u{301}不\u{301}知\u{301}道",
        ] {
            let _ = matcher().find(text);
        }
        assert_eq!(verdict("王芳：\u{301}不\u{301}知\u{301}道").len(), 1);
        // Huge inputs stay linear: one line with 100,000 matches, 200,000 short lines.
        let long = "不 知-道".repeat(100_000);
        let f = matcher().find(&long);
        assert_eq!(f.len(), 100_000);
        assert_eq!(f[99_999].as_written, "不 知-道");
        // 100,000 quotations on one line: the quoted ones are someone else's words.
        let quoted = "保安说“不知道”，".repeat(100_000) + "我也不懂";
        assert_eq!(matcher().find(&quoted).len(), 1);
        let many = "王芳：好的\r\n业主：嗯\n".repeat(100_000) + "李娜：不懂";
        assert_eq!(verdict(&many), violation("不懂", Some("李娜"), 200_001));
    }

    // --- properties ---------------------------------------------------------------

    /// Traditional forms of each simplified character of the table.
    fn traditional_of(c: char) -> Vec<char> {
        let b = T2S.as_bytes();
        (0..b.len() / 6)
            .filter(|i| decode3(b, i * 6 + 3) == c as u32)
            .filter_map(|i| char::from_u32(decode3(b, i * 6)))
            .collect()
    }

    /// Characters set between a phrase's to hide it. Not quotation marks: a pair of them
    /// after a reporting word makes a quotation of someone's words (C30), so they are not
    /// neutral between any two characters (“ ” inside a phrase: C30).
    const SEPARATORS: &[&str] = &[
        " ", "\u{3000}", "\t", "-", "—", "——", "…", "·", "・", "*", "_", ".", "、", "~", "～",
        "（", "）", "【", "】", "'", "\u{200B}", "\u{FEFF}", "★", "😀",
    ];

    const NEUTRAL: &[&str] = &[
        "您好",
        "请稍等",
        "我们马上安排",
        "明天上午",
        "谢谢您的反馈",
        "好的",
        "电梯",
        "维修师傅",
        "这个问题",
        "已经登记",
        "abc",
        "123",
    ];

    /// Rewrites the content of a line: separators between characters, some characters in
    /// traditional form. The normalised content is unchanged.
    fn disguise(content: &str, seps: &[usize], trad: &[usize]) -> String {
        let mut out = String::new();
        for (i, c) in content.chars().enumerate() {
            let k = trad.get(i % trad.len().max(1)).copied().unwrap_or(0);
            let forms = traditional_of(c);
            if k % 2 == 1 && !forms.is_empty() {
                out.push(forms[k / 2 % forms.len()]);
            } else {
                out.push(c);
            }
            let s = seps.get(i % seps.len().max(1)).copied().unwrap_or(0);
            if s % 3 == 0 {
                out.push_str(SEPARATORS[s / 3 % SEPARATORS.len()]);
            }
        }
        out
    }

    fn piece() -> impl Strategy<Value = String> {
        prop_oneof![
            prop::sample::select(NEUTRAL).prop_map(str::to_owned),
            prop::sample::select(DEFAULT_PHRASES).prop_map(str::to_owned),
            prop::sample::select(DEFAULT_ALLOW).prop_map(str::to_owned),
        ]
    }

    fn transcript() -> impl Strategy<Value = Vec<(Option<&'static str>, String)>> {
        let label = prop::sample::select(vec![
            None,
            Some("王芳"),
            Some("客服 李娜"),
            Some("业主"),
            Some("来电人张"),
        ]);
        let content = prop::collection::vec(piece(), 1..5).prop_map(|p| p.join(""));
        prop::collection::vec((label, content), 1..6)
    }

    fn render(lines: &[(Option<&str>, String)]) -> String {
        let mut text = String::new();
        for (label, content) in lines {
            if let Some(l) = label {
                text.push_str(l);
                text.push('：');
            }
            text.push_str(content);
            text.push('\n');
        }
        text
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn p01_separators_or_traditional_inside_a_banned_phrase_keep_the_violation(
            phrase in prop::sample::select(DEFAULT_PHRASES),
            before in prop::sample::select(NEUTRAL),
            after in prop::sample::select(NEUTRAL),
            seps in prop::collection::vec(0usize..200, 1..8),
            trad in prop::collection::vec(0usize..50, 1..8),
        ) {
            let text = format!("王芳：{before}{}{after}", disguise(phrase, &seps, &trad));
            prop_assert_eq!(verdict(&text), violation(phrase, Some("王芳"), 1));
        }

        #[test]
        fn p02_disguising_any_transcript_never_changes_the_verdict(
            lines in transcript(),
            seps in prop::collection::vec(0usize..200, 1..16),
            trad in prop::collection::vec(0usize..50, 1..16),
        ) {
            let plain = render(&lines);
            let disguised: Vec<(Option<&str>, String)> = lines
                .iter()
                .map(|(l, c)| (*l, disguise(c, &seps, &trad)))
                .collect();
            prop_assert_eq!(verdict(&plain), verdict(&render(&disguised)));
        }

        #[test]
        fn p03_customer_turns_never_count(lines in transcript()) {
            let as_customer: Vec<(Option<&str>, String)> =
                lines.into_iter().map(|(_, c)| (Some("业主"), c)).collect();
            prop_assert!(verdict(&render(&as_customer)).is_empty());
        }

        #[test]
        fn p04_random_text_never_panics_and_findings_are_consistent(
            text in prop_oneof![
                any::<String>(),
                prop::collection::vec(
                    prop_oneof![
                        prop::sample::select(vec![
                            '不', '知', '道', '归', '歸', '我', '们', '管', '没', '办', '法', '了',
                            '：', ':', '\n', '\r', ' ', '，', '\u{301}', '\u{2028}', '\u{85}',
                            '业', '主', '王', '9', '…', '\u{FEFF}', '\u{0}',
                        ]),
                        any::<char>(),
                    ],
                    0..300,
                ).prop_map(|v| v.into_iter().collect::<String>()),
            ],
        ) {
            let lines = LineIter::new(&text).count();
            for f in matcher().find(&text) {
                prop_assert_eq!(text.get(f.start..f.end), Some(f.as_written.as_str()));
                // Evidence shows control characters and Unicode line/paragraph separators as
                // spaces (it never breaks a line), so such a match is compared that way.
                let shown: String = f
                    .as_written
                    .chars()
                    .map(|c| if c.is_control() || matches!(c, '\u{85}' | '\u{2028}' | '\u{2029}') { ' ' } else { c })
                    .collect();
                prop_assert!(f.evidence.contains(&f.as_written) || f.evidence.contains(&shown), "{:?} not in {:?}", f.as_written, f.evidence);
                let breaks = ['\n', '\r', '\u{85}', '\u{2028}', '\u{2029}'];
                prop_assert!(!f.evidence.contains(breaks), "line break in evidence");
                prop_assert!(f.line >= 1 && f.line <= lines);
                prop_assert!(f.evidence.chars().count() <= f.as_written.chars().count() + 2 * (EVIDENCE_CONTEXT_CHARS + 1));
            }
            let (norm, offsets) = normalize(&text);
            prop_assert_eq!(norm.chars().count(), offsets.len());
            prop_assert!(offsets.windows(2).all(|w| w[0] < w[1]));
            prop_assert!(offsets.iter().all(|&o| text.is_char_boundary(o)));
            prop_assert_eq!(normalize(&norm).0, norm);
        }
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn p05_fast_normalisation_equals_the_reference(
            text in any::<String>(),
            cjk in prop::collection::vec(
                prop_oneof![
                    prop::sample::select(vec!['不', '知', '道', '歸', '们', '辦', '沒', '法', '了', '，', '。', ' ', 'a', 'Z', '0']),
                    (0x4E00u32..0x9FFF).prop_map(|c| char::from_u32(c).unwrap_or('不')),
                ],
                0..80,
            ).prop_map(|v| v.into_iter().collect::<String>()),
        ) {
            let gate = Gate::new(&[]);
            for t in [&text, &cjk] {
                let mut fast = String::new();
                normalize_gated(t, &mut fast, &gate);
                prop_assert_eq!(fast, normalize(t).0);
            }
        }

        #[test]
        fn p06_the_gate_never_changes_a_verdict(
            lines in transcript(),
            seps in prop::collection::vec(0usize..200, 1..16),
            trad in prop::collection::vec(0usize..50, 1..16),
        ) {
            let mut ungated = matcher().clone();
            ungated.gate.needs.clear();
            let disguised: Vec<(Option<&str>, String)> = lines
                .iter()
                .map(|(l, c)| (*l, disguise(c, &seps, &trad)))
                .collect();
            for text in [render(&lines), render(&disguised)] {
                prop_assert_eq!(matcher().find(&text), ungated.find(&text));
            }
        }
    }

    // --- issue 7: disguises never change a verdict, for any transcript ---------------
    //
    // p01/p02 disguise some characters of generated pieces; these disguise every
    // character, of transcripts that also hold arbitrary CJK text between the pieces and
    // the kinds of speaker label real replies use.

    /// Labels as real replies write them: staff, customers (plain, prefixed, suffixed),
    /// staff roles that start with a customer word, time-stamped, and none.
    const LABELS: &[Option<&str>] = &[
        None,
        Some("王芳"),
        Some("客服 李娜"),
        Some("[09:30] 客服 李娜"),
        Some("客户经理"),
        Some("业主服务中心"),
        Some("业主"),
        Some("来电人张"),
        Some("张先生（业主）"),
        Some("3栋住户"),
        Some("投诉人"),
        Some("来访者"),
    ];

    fn rich_content() -> impl Strategy<Value = String> {
        let part = prop_oneof![
            3 => piece(),
            1 => prop::collection::vec(
                (0x4E00u32..0x9FA6).prop_map(|c| char::from_u32(c).unwrap_or('好')),
                1..6,
            )
            .prop_map(|v| v.into_iter().collect::<String>()),
        ];
        prop::collection::vec(part, 1..6).prop_map(|p| p.join(""))
    }

    fn rich_transcript() -> impl Strategy<Value = Vec<(Option<&'static str>, String)>> {
        prop::collection::vec((prop::sample::select(LABELS), rich_content()), 1..6)
    }

    /// `text` with one separator (picked by `picks`) between every two characters, and
    /// before the first (not an opening bracket there: `【您】好` at a line start is a
    /// bracketed speaker label).
    fn separated(text: &str, picks: &[usize]) -> String {
        let mut out = String::new();
        for (i, c) in text.chars().enumerate() {
            let k = picks[i % picks.len()];
            let sep = SEPARATORS[k % SEPARATORS.len()];
            out.push_str(if i == 0 && sep == "【" { " " } else { sep });
            out.push(c);
        }
        out
    }

    /// Every character that has a traditional form written in one (picked by `picks`).
    fn traditional(text: &str, picks: &[usize]) -> String {
        text.chars()
            .enumerate()
            .map(|(i, c)| {
                let forms = traditional_of(c);
                if forms.is_empty() {
                    c
                } else {
                    forms[picks[i % picks.len()] % forms.len()]
                }
            })
            .collect()
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(512))]

        #[test]
        fn p07_spaces_or_punctuation_between_every_character_never_change_the_verdict(
            lines in rich_transcript(),
            picks in prop::collection::vec(0usize..1000, 1..16),
        ) {
            let spaced: Vec<(Option<&str>, String)> =
                lines.iter().map(|(l, c)| (*l, separated(c, &picks))).collect();
            prop_assert_eq!(verdict(&render(&lines)), verdict(&render(&spaced)));
        }

        #[test]
        fn p08_writing_every_character_in_traditional_never_changes_the_verdict(
            lines in rich_transcript(),
            picks in prop::collection::vec(0usize..8, 1..16),
        ) {
            // The whole reply, speaker labels included (业主 → 業主, 来电人 → 來電人).
            let plain = render(&lines);
            let trad = traditional(&plain, &picks);
            // Speakers are reported as written, so they are compared normalised.
            let folded = |t: &str| {
                verdict(t)
                    .into_iter()
                    .map(|(p, s, l)| (p, s.map(|s| normalize(&s).0), l))
                    .collect::<Vec<_>>()
            };
            prop_assert_eq!(folded(&trad), folded(&plain));
        }

        #[test]
        fn p09_spaces_inside_speaker_labels_never_change_whether_a_phrase_is_found(
            lines in rich_transcript(),
            picks in prop::collection::vec(0usize..2, 1..16),
        ) {
            // Spaces (ASCII or ideographic) between the characters of each label too.
            let plain = render(&lines);
            let spaced: String = plain
                .split_inclusive('\n')
                .enumerate()
                .map(|(i, line)| match line.split_once('：') {
                    // A time stamp keeps its digits together.
                    Some((label, rest)) if !label.contains('[') => {
                        let l: String = label
                            .chars()
                            .enumerate()
                            .flat_map(|(j, c)| {
                                let sp = if picks[(i + j) % picks.len()] == 0 { ' ' } else { '\u{3000}' };
                                [c, sp]
                            })
                            .collect();
                        format!("{}：{rest}", l.trim_end())
                    }
                    _ => line.to_owned(),
                })
                .collect();
            let found = |t: &str| {
                verdict(t).into_iter().map(|(p, _, l)| (p, l)).collect::<Vec<_>>()
            };
            prop_assert_eq!(found(&plain), found(&spaced));
        }
    }

    // --- throughput -------------------------------------------------------------------

    /// Realistic replies of about 100 characters: 70 % transcripts (a resident turn, a
    /// staff turn with a continuation line, sometimes a second exchange), 30 % plain text.
    /// About one staff sentence in 25 holds a banned phrase, as many an allowed context.
    fn realistic_reply(seed: &mut u64, out: &mut String) {
        const STAFF: &[&str] = &[
            "您好，这里是物业服务中心，请问有什么可以帮您？",
            "好的，我已经登记了，马上安排维修师傅上门查看。",
            "非常抱歉给您带来不便，我们会在24小时内答复您。",
            "电梯已经报修，预计下午三点前恢复运行，请您谅解。",
            "您反映的问题我们已转交工程部，今天下午给您回复。",
            "已安排保洁人员清理楼道杂物，处理完后电话告知您。",
            "停车费的收费标准在服务中心公示栏有张贴，可以查看。",
            "我们会加强巡查，发现违规装修的会立即制止并上报。",
        ];
        const STAFF_ALLOWED: &[&str] = &[
            "不知道您是否方便明天上午在家？",
            "如有不清楚的地方请随时联系我们。",
        ];
        const STAFF_BANNED: &[&str] = &["这个不归我管，您去找居委会吧。", "没办法，这是公司规定。"];
        const RESIDENT: &[&str] = &[
            "楼道的灯坏了三天了，一直没人修。",
            "上次保安说不归他管，还说不知道。",
            "地下车库漏水，车都被淋湿了。",
            "楼上装修太吵了，晚上十点还在打电钻。",
        ];
        let mut next = |n: usize| {
            *seed ^= *seed << 13;
            *seed ^= *seed >> 7;
            *seed ^= *seed << 17;
            (*seed % n as u64) as usize
        };
        let staff = |next: &mut dyn FnMut(usize) -> usize, out: &mut String| {
            let pool = match next(50) {
                0 | 1 => STAFF_BANNED,
                2 | 3 => STAFF_ALLOWED,
                _ => STAFF,
            };
            out.push_str(pool[next(pool.len())]);
        };
        out.clear();
        if next(10) < 7 {
            let names = ["王芳", "李娜", "客服 张伟"];
            let name = names[next(names.len())];
            for _ in 0..1 + usize::from(next(3) == 0) {
                out.push_str("业主：");
                out.push_str(RESIDENT[next(RESIDENT.len())]);
                out.push('\n');
                out.push_str(name);
                out.push('：');
                staff(&mut next, out);
                out.push('\n');
                staff(&mut next, out);
                out.push('\n');
            }
        } else {
            for _ in 0..4 {
                staff(&mut next, out);
            }
        }
    }

    #[test]
    fn t01_realistic_replies_find_the_planted_phrases() {
        let n = 20_000;
        let m = matcher();
        let mut scratch = Scratch::new();
        let mut out = Vec::new();
        let mut text = String::new();
        let mut seed = 0x9E37_79B9_7F4A_7C15_u64;
        let (mut chars, mut findings) = (0usize, 0usize);
        for _ in 0..n {
            realistic_reply(&mut seed, &mut text);
            chars += text.chars().count();
            out.clear();
            m.find_into(&text, &mut scratch, &mut out);
            findings += out.len();
        }
        eprintln!(
            "forbidden_phrase: {n} replies, {:.0} chars each on average, {findings} findings",
            chars as f64 / n as f64,
        );
        assert!(findings > 0);
    }
}
