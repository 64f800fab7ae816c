//! The canonical columns of each input file, their Chinese aliases and types (SPEC, Input).

/// The five input files of a dataset folder.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum FileKind {
    Cases,
    Handoffs,
    Roster,
    Inspections,
    Waivers,
}

impl FileKind {
    pub const ALL: [FileKind; 5] = [
        FileKind::Cases,
        FileKind::Handoffs,
        FileKind::Roster,
        FileKind::Inspections,
        FileKind::Waivers,
    ];

    /// The name used in `[input.aliases.<name>]` and as the file stem.
    pub fn name(self) -> &'static str {
        match self {
            FileKind::Cases => "cases",
            FileKind::Handoffs => "handoffs",
            FileKind::Roster => "roster",
            FileKind::Inspections => "inspections",
            FileKind::Waivers => "waivers",
        }
    }

    pub fn from_name(s: &str) -> Option<FileKind> {
        FileKind::ALL.into_iter().find(|k| k.name() == s)
    }

    pub fn columns(self) -> &'static [Column] {
        match self {
            FileKind::Cases => CASES,
            FileKind::Handoffs => HANDOFFS,
            FileKind::Roster => ROSTER,
            FileKind::Inspections => INSPECTIONS,
            FileKind::Waivers => WAIVERS,
        }
    }

    pub fn column(self, name: &str) -> Option<&'static Column> {
        self.columns().iter().find(|c| c.name == name)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ColType {
    Text,
    DateTime,
    /// A whole number ≥ 0 (往返次数, 序号).
    Count,
    /// A number ≥ 0 (yuan).
    Money,
}

#[derive(Debug)]
pub struct Column {
    pub name: &'static str,
    /// Chinese label for people (reports, evidence).
    pub label: &'static str,
    pub aliases: &'static [&'static str],
    pub ty: ColType,
    pub required: bool,
}

const fn col(
    name: &'static str,
    label: &'static str,
    aliases: &'static [&'static str],
    ty: ColType,
    required: bool,
) -> Column {
    Column {
        name,
        label,
        aliases,
        ty,
        required,
    }
}

use ColType::*;

pub static CASES: &[Column] = &[
    col(
        "case_id",
        "案件编号",
        &["编号", "案件编号", "工单号", "序号"],
        Text,
        true,
    ),
    col(
        "center",
        "服务中心",
        &["服务中心", "管理处", "项目"],
        Text,
        true,
    ),
    col(
        "received_at",
        "受理时间",
        &["受理时间", "接待时间", "来电时间", "来访时间", "登记时间"],
        DateTime,
        true,
    ),
    col(
        "channel",
        "渠道",
        &["渠道", "接待方式", "来源"],
        Text,
        false,
    ),
    col(
        "category",
        "类别",
        &["类别", "事项类别", "问题类型"],
        Text,
        true,
    ),
    col(
        "customer_name",
        "客户姓名",
        &["业主姓名", "客户姓名", "来访人", "来电人"],
        Text,
        false,
    ),
    col(
        "customer_phone",
        "联系电话",
        &["联系电话", "电话", "手机"],
        Text,
        false,
    ),
    col("unit", "房号", &["房号"], Text, false),
    col(
        "content",
        "反映内容",
        &["反映内容", "问题内容", "诉求"],
        Text,
        false,
    ),
    col(
        "first_responder_id",
        "首问人工号",
        &["首问人工号", "首问责任人工号", "接待人工号"],
        Text,
        true,
    ),
    col(
        "first_responder",
        "首问人",
        &["首问人", "首问责任人", "接待人"],
        Text,
        false,
    ),
    col(
        "first_response_at",
        "首次回应时间",
        &["首次回应时间", "回应时间"],
        DateTime,
        false,
    ),
    col(
        "reply",
        "答复内容",
        &["答复内容", "接待记录", "沟通记录"],
        Text,
        false,
    ),
    col(
        "promised_at",
        "承诺时间",
        &["承诺时间", "预计解决时间"],
        DateTime,
        false,
    ),
    col(
        "resolved_at",
        "办结时间",
        &["办结时间", "完成时间"],
        DateTime,
        false,
    ),
    col("resolution", "处理结果", &["处理结果"], Text, false),
    col(
        "contacts",
        "往返次数",
        &["往返次数", "来访次数"],
        Count,
        false,
    ),
    col("followup_at", "回访时间", &["回访时间"], DateTime, false),
    col("followup_by", "回访人工号", &["回访人工号"], Text, false),
    col(
        "satisfaction",
        "满意度",
        &["满意度", "回访结果"],
        Text,
        false,
    ),
    col("coordination_slip", "协调单号", &["协调单号"], Text, false),
];

pub static HANDOFFS: &[Column] = &[
    col(
        "case_id",
        "案件编号",
        &["编号", "案件编号", "工单号"],
        Text,
        true,
    ),
    col("seq", "序号", &["序号"], Count, true),
    col("at", "转交时间", &["转交时间"], DateTime, true),
    col("from_id", "转出人工号", &["转出人工号"], Text, true),
    col("to_id", "接收人工号", &["接收人工号"], Text, true),
    col("to_department", "接收部门", &["接收部门"], Text, false),
    col("method", "转交方式", &["转交方式", "方式"], Text, false),
    col("note", "备注", &["备注", "说明"], Text, false),
];

pub static ROSTER: &[Column] = &[
    col("employee_id", "工号", &["工号", "员工编号"], Text, true),
    col("name", "姓名", &["姓名", "员工姓名"], Text, false),
    col(
        "role",
        "岗位类别",
        &["岗位类别", "岗位", "职务"],
        Text,
        false,
    ),
    col("department", "部门", &["部门"], Text, false),
    col(
        "center",
        "服务中心",
        &["服务中心", "管理处", "项目"],
        Text,
        false,
    ),
    col(
        "supervisor_id",
        "直接上级工号",
        &["直接上级工号", "上级工号"],
        Text,
        false,
    ),
    col(
        "base_pay",
        "绩效工资基数",
        &["绩效工资基数", "绩效工资"],
        Money,
        false,
    ),
];

pub static INSPECTIONS: &[Column] = &[
    col(
        "inspection_id",
        "检查编号",
        &["检查编号", "编号"],
        Text,
        true,
    ),
    col("at", "检查时间", &["检查时间", "时间"], DateTime, true),
    col(
        "center",
        "服务中心",
        &["服务中心", "管理处", "项目"],
        Text,
        false,
    ),
    col(
        "employee_id",
        "被查人工号",
        &["被查人工号", "工号"],
        Text,
        true,
    ),
    col("method", "检查方式", &["检查方式", "方式"], Text, false),
    col(
        "findings",
        "检查发现",
        &["检查发现", "检查结果", "发现问题", "问题"],
        Text,
        false,
    ),
    col("note", "备注", &["备注", "说明"], Text, false),
];

pub static WAIVERS: &[Column] = &[
    col(
        "case_id",
        "案件编号",
        &["编号", "案件编号", "工单号"],
        Text,
        true,
    ),
    col("rule_id", "规则编号", &["规则编号", "规则"], Text, true),
    col("reason", "豁免理由", &["豁免理由", "理由"], Text, true),
    // An exemption nobody approved is not one (SPEC: "approved exemption").
    col("approved_by", "批准人", &["批准人", "审批人"], Text, true),
    // Optional narrowing, for a case or spot check with several findings of one rule:
    // only the one charged to this employee, only the one whose evidence has these words
    // (a spot check's 傲慢 but not its 不理睬).
    // Only names that say what they narrow: a column of another meaning (违规内容 as a
    // note) would otherwise stop waivers that applied before.
    col(
        "employee_id",
        "被豁免人工号",
        &["被豁免人工号"],
        Text,
        false,
    ),
    col("finding", "豁免内容", &["豁免内容"], Text, false),
];

/// Chinese label of a case column (`received_at` → 受理时间); empty for an unknown name.
pub fn case_label(name: &str) -> &'static str {
    CASES
        .iter()
        .find(|c| c.name == name)
        .map(|c| c.label)
        .unwrap_or("")
}

/// Roles of the seed regulation (物业公司首问责任制实施细则), canonical names first.
pub const ROLES: &[(&str, &str, &[&str])] = &[
    (
        "operator",
        "操作人员",
        &[
            "操作人员",
            "保安员",
            "保洁员",
            "维修员",
            "保安",
            "保洁",
            "维修工",
        ],
    ),
    ("team_lead", "班组长", &["班组长", "保安队长", "保洁组长"]),
    ("staff", "管理人员", &["管理人员", "客服专员", "客服人员"]),
    ("cr_supervisor", "客户关系主管", &["客户关系主管"]),
    ("dept_supervisor", "部门主管", &["部门主管"]),
    ("center_manager", "管理部经理", &["管理部经理", "物业经理"]),
];

/// The canonical role for a roster value (English canonical name or a Chinese title).
pub fn canonical_role(v: &str) -> Option<&'static str> {
    let v = v.trim();
    // The English names as people type them: `Team Lead`, `team-lead`, `CR supervisor`.
    let code: String = v
        .chars()
        .map(|c| match c {
            ' ' | '-' => '_',
            c => c.to_ascii_lowercase(),
        })
        .collect();
    // Written in traditional characters (保安員, 部門主管): simplified first.
    let simple: String = v.chars().map(crate::rules::phrase::to_simplified).collect();
    let v = simple.as_str();
    ROLES
        .iter()
        .find(|(canon, label, aliases)| {
            *canon == v || *canon == code || *label == v || aliases.contains(&v)
        })
        .map(|(canon, _, _)| *canon)
}

#[cfg(test)]
mod role_tests {
    #[test]
    fn english_role_names_are_read_as_people_type_them() {
        for (typed, canon) in [
            ("Operator", "operator"),
            ("team lead", "team_lead"),
            ("Center-Manager", "center_manager"),
            ("CR_Supervisor", "cr_supervisor"),
            ("客户关系主管", "cr_supervisor"),
        ] {
            assert_eq!(super::canonical_role(typed), Some(canon), "{typed}");
        }
        assert_eq!(super::canonical_role("前台"), None);
    }
}

/// Chinese label of a canonical role.
pub fn role_label(canon: &str) -> &'static str {
    ROLES
        .iter()
        .find(|(c, _, _)| *c == canon)
        .map(|(_, l, _)| *l)
        .unwrap_or("")
}

/// Header cell as compared with names: trimmed, BOM and full-width stripped, ASCII
/// lowercased, traditional characters simplified (a Hong Kong or Taiwan export's 受理時間,
/// 編號 and 服務中心 are 受理时间, 编号 and 服务中心).
pub fn normalize_header(h: &str) -> String {
    let folded = h
        .chars()
        .filter(|c| !is_invisible(*c) && !matches!(c, '\n' | '\r'))
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => crate::rules::phrase::to_simplified(c),
        })
        .collect::<String>();
    // A form's marks of a required field: `*编号`, `受理时间*`, `受理时间(必填)`.
    let mut t = folded.trim();
    loop {
        let before = t;
        t = t.trim_matches('*').trim();
        for mark in ["(必填)", "(必填项)", "(required)"] {
            t = t.strip_suffix(mark).unwrap_or(t).trim();
        }
        if t == before {
            break;
        }
    }
    // 覆 is a simplified character too (覆盖): only in 答覆 is it 复.
    t.to_ascii_lowercase().replace("答覆", "答复")
}

/// The longest placeholder in bytes ([`is_placeholder`]): a longer text is never one.
const PLACEHOLDER_MAX_BYTES: usize = 20;

/// Words an export or a clerk writes in a field to say it holds nothing: 无, 未留, 不详,
/// NULL, N/A … (compared folded: full-width to ASCII, ASCII lowercased). Not `na`: a
/// romanised given name (娜) reads so.
const PLACEHOLDERS: &[&str] = &[
    "无",
    "没有",
    "暂无",
    "未留",
    "未提供",
    "未登记",
    "未记录",
    "不详",
    "未知",
    "空",
    "null",
    "none",
    "nil",
    "nan",
    "n/a",
    "0000-00-00",
    "0000-00-00 00:00:00",
];

/// Whether a cell says it holds nothing: a placeholder word, or only dashes, slashes,
/// dots, asterisks, question marks or zeros (`-`, `/`, `——`, `…`, `0`). A 电话 of `无`
/// or `/` is a phone not recorded (管理制度 4.5), and a time of `NULL` is no time. Read
/// for every time and id: a value that starts with a letter or digit no placeholder
/// starts with is settled at its first byte, and no ASCII value is copied.
pub fn is_placeholder(v: &str) -> bool {
    let t = v.trim();
    // Settled by the first byte for most values: a letter or digit no placeholder starts
    // with, or the lead byte of a character none does (张 and 李 are E5, 刘 and 陈 E5/E9; no
    // placeholder or mark starts with E5, E8 or E9).
    match t.as_bytes().first() {
        None => return false,
        Some(b'0' | b'n' | b'N') => {}
        Some(b) if b.is_ascii_alphanumeric() || matches!(b, 0xE5 | 0xE8 | 0xE9) => return false,
        _ => {}
    }
    if t.len() > PLACEHOLDER_MAX_BYTES {
        return false;
    }
    if t.chars().all(|c| {
        matches!(
            c,
            '-' | '－'
                | '—'
                | '–'
                | '_'
                | '/'
                | '／'
                | '\\'
                | '.'
                | '。'
                | '…'
                | '*'
                | '＊'
                | '?'
                | '？'
                | '0'
                | '０'
                | ' '
                | '\u{3000}'
        )
    }) {
        return true;
    }
    if t.is_ascii() {
        return PLACEHOLDERS.iter().any(|p| p.eq_ignore_ascii_case(t));
    }
    // Every other placeholder starts with one of these (a name such as 张三 is settled
    // here, without a copy).
    if !t.starts_with(['无', '没', '暂', '未', '不', '空', 'Ｎ', 'ｎ', '０']) {
        return false;
    }
    let folded: String = t
        .chars()
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            _ => c,
        })
        .map(|c| c.to_ascii_lowercase())
        .collect();
    PLACEHOLDERS.contains(&folded.as_str())
}

impl Column {
    /// Whether the column holds ids (工号, 编号) that join files: compared as
    /// [`fold_id`] gives them.
    pub fn is_id(&self) -> bool {
        self.name.ends_with("_id") || self.name == "followup_by" || self.name == "approved_by"
    }
}

/// An id as it joins: without characters that take no room on screen (a zero-width
/// space pasted from a chat), full-width letters and digits as ASCII (Ｅ０００５ is
/// E0005), trimmed. Names and texts are left as written.
pub fn fold_id(v: &str) -> String {
    v.chars()
        .filter(|c| !is_invisible(*c))
        .map(|c| match c {
            '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
            '\u{3000}' => ' ',
            _ => c,
        })
        .collect::<String>()
        .trim()
        .to_string()
}

/// An all-digit id's number, as ids join: `007` and `7` are one employee (`7`); `None`
/// for an id with anything but ASCII digits (fold it with [`fold_id`] first).
pub fn id_number(id: &str) -> Option<&str> {
    (!id.is_empty() && id.bytes().all(|b| b.is_ascii_digit())).then(|| id.trim_start_matches('0'))
}

/// Characters that take no room on screen (a zero-width space, a BOM in mid-text, a
/// direction mark): a header cell with one looks like the name it fails to match.
pub fn is_invisible(c: char) -> bool {
    matches!(
        c,
        '\u{200B}'..='\u{200F}' | '\u{202A}'..='\u{202E}' | '\u{2060}'..='\u{2064}' | '\u{FEFF}' | '\u{00AD}'
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_say_a_field_holds_nothing() {
        for v in [
            "无",
            " 未留 ",
            "NULL",
            "null",
            "N/A",
            "Ｎ／Ａ",
            "-",
            "/",
            "——",
            "…",
            "0",
            "０",
            "0000-00-00 00:00:00",
            "?",
            "不详",
        ] {
            assert!(is_placeholder(v), "{v:?}");
        }
        for v in [
            "",
            "张三",
            "13800138000",
            "无锡",
            "王无",
            "0571-88886666",
            "10",
            "na na",
            "2026-10-03",
            "暂无法联系上业主的一段很长说明",
        ] {
            assert!(!is_placeholder(v), "{v:?}");
        }
    }

    /// Every built-in alias written in traditional characters (a Hong Kong or Taiwan
    /// export) names its column: the pairs are the aliases of this file converted by
    /// OpenCC (s2t, s2tw, s2hk), written out here.
    #[test]
    fn traditional_headers_name_their_columns() {
        const PAIRS: &[(&str, &str)] = &[
            ("上级工号", "上級工號"),
            ("业主姓名", "業主姓名"),
            ("事项类别", "事項類別"),
            ("保安员", "保安員"),
            ("保安队长", "保安隊長"),
            ("保洁", "保潔"),
            ("保洁员", "保潔員"),
            ("保洁组长", "保潔組長"),
            ("办结时间", "辦結時間"),
            ("协调单号", "協調單號"),
            ("反映内容", "反映內容"),
            ("发现问题", "發現問題"),
            ("受理时间", "受理時間"),
            ("员工姓名", "員工姓名"),
            ("员工编号", "員工編號"),
            ("回应时间", "回應時間"),
            ("回访人工号", "回訪人工號"),
            ("回访时间", "回訪時間"),
            ("回访结果", "回訪結果"),
            ("处理结果", "處理結果"),
            ("备注", "備註"),
            ("完成时间", "完成時間"),
            ("审批人", "審批人"),
            ("客户关系主管", "客戶關係主管"),
            ("客户关系主管", "客户關係主管"),
            ("客户姓名", "客戶姓名"),
            ("客服专员", "客服專員"),
            ("客服人员", "客服人員"),
            ("岗位", "崗位"),
            ("岗位类别", "崗位類別"),
            ("工单号", "工單號"),
            ("工号", "工號"),
            ("序号", "序號"),
            ("往返次数", "往返次數"),
            ("房号", "房號"),
            ("手机", "手機"),
            ("承诺时间", "承諾時間"),
            ("接待人工号", "接待人工號"),
            ("接待时间", "接待時間"),
            ("接待记录", "接待記錄"),
            ("接收人工号", "接收人工號"),
            ("接收部门", "接收部門"),
            ("操作人员", "操作人員"),
            ("时间", "時間"),
            ("服务中心", "服務中心"),
            ("来源", "來源"),
            ("来电人", "來電人"),
            ("来电时间", "來電時間"),
            ("来访人", "來訪人"),
            ("来访时间", "來訪時間"),
            ("来访次数", "來訪次數"),
            ("案件编号", "案件編號"),
            ("检查发现", "檢查發現"),
            ("检查方式", "檢查方式"),
            ("检查时间", "檢查時間"),
            ("检查结果", "檢查結果"),
            ("检查编号", "檢查編號"),
            ("沟通记录", "溝通記錄"),
            ("满意度", "滿意度"),
            ("物业经理", "物業經理"),
            ("班组长", "班組長"),
            ("电话", "電話"),
            ("登记时间", "登記時間"),
            ("直接上级工号", "直接上級工號"),
            ("答复内容", "答覆內容"),
            ("管理人员", "管理人員"),
            ("管理处", "管理處"),
            ("管理部经理", "管理部經理"),
            ("类别", "類別"),
            ("绩效工资", "績效工資"),
            ("绩效工资基数", "績效工資基數"),
            ("维修员", "維修員"),
            ("维修工", "維修工"),
            ("编号", "編號"),
            ("职务", "職務"),
            ("联系电话", "聯繫電話"),
            ("被查人工号", "被查人工號"),
            ("规则", "規則"),
            ("规则编号", "規則編號"),
            ("诉求", "訴求"),
            ("说明", "說明"),
            ("说明", "説明"),
            ("转交方式", "轉交方式"),
            ("转交时间", "轉交時間"),
            ("转出人工号", "轉出人工號"),
            ("部门", "部門"),
            ("部门主管", "部門主管"),
            ("问题", "問題"),
            ("问题内容", "問題內容"),
            ("问题类型", "問題類型"),
            ("项目", "項目"),
            ("预计解决时间", "預計解決時間"),
            ("首次回应时间", "首次回應時間"),
            ("首问人", "首問人"),
            ("首问人工号", "首問人工號"),
            ("首问责任人", "首問責任人"),
            ("首问责任人工号", "首問責任人工號"),
        ];
        let unmatched: Vec<_> = PAIRS
            .iter()
            .filter(|(s, t)| normalize_header(s) != normalize_header(t))
            .collect();
        assert!(unmatched.is_empty(), "{unmatched:?}");
        assert_eq!(normalize_header("受理時間"), "受理时间");
    }

    #[test]
    fn header_cells_match_through_invisible_characters_and_required_marks() {
        for h in [
            "\u{200b}编号",
            "\u{feff}编号",
            "*编号",
            "＊编号",
            "编号(必填)",
            "编号（必填）",
            " 编号 * ",
            "编\n号",
            "编\r\n号",
        ] {
            assert_eq!(normalize_header(h), "编号", "{h:?}");
        }
        assert_eq!(normalize_header("Created Date"), "created date");
        assert_eq!(normalize_header("受理时间(预约)"), "受理时间(预约)");
    }

    #[test]
    fn every_role_has_a_canonical_and_chinese_name() {
        assert_eq!(canonical_role("保安员"), Some("operator"));
        assert_eq!(canonical_role("保安員"), Some("operator"));
        assert_eq!(canonical_role("部門主管"), Some("dept_supervisor"));
        assert_eq!(canonical_role("客戶關係主管"), Some("cr_supervisor"));
        assert_eq!(canonical_role("保洁组长"), Some("team_lead"));
        assert_eq!(canonical_role("cr_supervisor"), Some("cr_supervisor"));
        assert_eq!(canonical_role("管理部经理"), Some("center_manager"));
        assert_eq!(canonical_role("厨师"), None);
    }

    #[test]
    fn column_names_are_unique_per_file() {
        for k in FileKind::ALL {
            let mut names: Vec<_> = k.columns().iter().map(|c| c.name).collect();
            names.sort();
            names.dedup();
            assert_eq!(names.len(), k.columns().len(), "{k:?}");
        }
    }
}
