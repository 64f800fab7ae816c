//! `shouwen sample`: a realistic synthetic month of reception logs with planted
//! violations and the list of violations an audit must find.
//!
//! The dataset describes four service centers of one property-management company in
//! 2026-10: a roster organised as the seed regulation describes it (物业公司首问责任制实施细则:
//! 操作人员 → 直接上司; 班组长 / 管理人员 → 责任部门主管 or 客户关系主管; 客户关系主管 →
//! 责任部门主管), reception cases with transcripts, handoffs that follow that path, spot
//! checks and a few waivers.
//!
//! Everything is derived from one SplitMix64 stream seeded by `--seed`: no clock, no
//! hash-map order, so the same `(cases, seed)` always gives byte-identical files.
//!
//! Unplanted data is clean under every default rule (see `RULES`); violations are
//! planted per case as `Plant` values:
//!
//! * the response plants shape the case's timeline (`response_plan`);
//! * the escalation plants replace the case's handoff route (`planted_route`);
//! * the phrase plants add staff turns to the transcript (`transcript`);
//! * the promise and visit plants change the case as it develops (`develop_case`);
//! * the follow-up plants change finished cases (`plant_followups`);
//! * the record plants damage fields afterwards (`plant_record_case`,
//!   `plant_record_phone`);
//! * spot-check findings are planted in `make_inspections`.
//!
//! `Plant::rule_id` names the rule a plant violates when the first responder is charged;
//! plants charged to someone else (a handed-off 部门主管, the sender of a handoff, the
//! follow-up clerk) record their `(rule, employee)` in `Case::charged` when applied.
//! Some plants are traps that violate nothing (boundaries, allowed contexts). To plant a
//! new rule, add a variant, a selector in `assign_plants` (or `plant_followups`), its
//! apply code and its check in `evaluate`. Before writing, [`generate`] re-evaluates
//! every rule on the data it built and refuses to write an `expected_violations.csv`
//! that disagrees with what was planted.

use std::collections::BTreeSet;
use std::fs;
use std::io::{self, Write};
use std::path::Path;
use std::sync::OnceLock;

/// Options of `shouwen sample`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleOptions {
    /// Number of reception cases to generate.
    pub cases: usize,
    /// Seed of the pseudo-random generator; same seed, same bytes.
    pub seed: u64,
}

/// What [`generate`] wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SampleSummary {
    /// Rows in `cases.csv`.
    pub cases: usize,
    /// Rows in `roster.csv`.
    pub employees: usize,
    /// Number of service centers.
    pub centers: usize,
    /// Rows in `handoffs.csv`.
    pub handoffs: usize,
    /// Rows in `expected_violations.csv` (waived ones included).
    pub planted: usize,
    /// The audit's as-of time (`YYYY-MM-DD HH:MM:SS`), empty when there are no cases.
    pub as_of: String,
}

/// Generates the sample dataset into `out_dir` (created if needed): `cases.csv`,
/// `handoffs.csv`, `roster.csv`, `inspections.csv`, `waivers.csv`,
/// `expected_violations.csv` and `README.md`.
pub fn generate(opts: &SampleOptions, out_dir: &Path) -> io::Result<SampleSummary> {
    let data = build(opts);
    let expected = evaluate(&data);
    let intended = intended(&data);
    if expected != intended {
        return Err(io::Error::other(format!(
            "sample generator bug: {} planted violations but the rules find {}",
            intended.len(),
            expected.len()
        )));
    }
    fs::create_dir_all(out_dir)?;
    write_roster(&data, &out_dir.join("roster.csv"))?;
    write_cases(&data, &out_dir.join("cases.csv"))?;
    write_handoffs(&data, &out_dir.join("handoffs.csv"))?;
    write_inspections(&data, &out_dir.join("inspections.csv"))?;
    write_waivers(&data, &expected, &out_dir.join("waivers.csv"))?;
    write_expected(&expected, &out_dir.join("expected_violations.csv"))?;
    let summary = SampleSummary {
        cases: data.cases.len(),
        employees: data.roster.people.len(),
        centers: data.roster.centers.len(),
        handoffs: data.handoffs.len(),
        planted: expected.len(),
        as_of: data.as_of.map(fmt_ts).unwrap_or_default(),
    };
    write_readme(&data, &expected, &summary, &out_dir.join("README.md"))?;
    Ok(summary)
}

// ---------------------------------------------------------------------------
// Time: seconds since 2026-10-01 00:00:00 local time.

const MINUTE: i64 = 60;
const HOUR: i64 = 3_600;
const DAY: i64 = 86_400;
const MONTH_DAYS: i64 = 31;
/// 2026-10-31 23:59:59: no event may happen later.
const MONTH_END: i64 = MONTH_DAYS * DAY - 1;
/// The RESP-24H limit: 24:00:00 is on time, 24:00:01 is late.
const RESP_LIMIT: i64 = 24 * HOUR;
/// Normal first responses come within 20 hours.
const NORMAL_MAX_DELAY: i64 = 20 * HOUR;
/// Late first responses are planted up to 120 hours after receipt.
const LATE_MAX_DELAY: i64 = 120 * HOUR;

/// `YYYY-MM-DD HH:MM:SS`; `t` is after 2026-10-01 00:00:00 and the month is
/// October, which has 31 days, and November for the few promises beyond it.
fn fmt_ts(t: i64) -> String {
    let (month, day) = month_day(t);
    let s = t.rem_euclid(DAY);
    format!(
        "2026-{:02}-{:02} {:02}:{:02}:{:02}",
        month,
        day,
        s / HOUR,
        s % HOUR / MINUTE,
        s % MINUTE
    )
}

fn month_day(t: i64) -> (i64, i64) {
    let d = t.div_euclid(DAY);
    if d < MONTH_DAYS {
        (10, d + 1)
    } else {
        (11, d - MONTH_DAYS + 1)
    }
}

/// How staff say a time: `10月5日18点` / `10月5日18点半`.
fn fmt_spoken(t: i64) -> String {
    let (month, day) = month_day(t);
    let s = t.rem_euclid(DAY);
    let half = if s % HOUR >= 30 * MINUTE { "半" } else { "" };
    format!("{}月{}日{}点{}", month, day, s / HOUR, half)
}

fn ceil_to(t: i64, step: i64) -> i64 {
    (t + step - 1).div_euclid(step) * step
}

// ---------------------------------------------------------------------------
// Pseudo-random numbers: SplitMix64, integers only.

struct Rng {
    state: u64,
}

impl Rng {
    fn new(seed: u64) -> Self {
        Rng {
            state: seed ^ 0x5348_4F55_5745_4E31,
        }
    }

    fn next_u64(&mut self) -> u64 {
        self.state = self.state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// Uniform in `0..n` (0 when `n` is 0).
    fn below(&mut self, n: u64) -> u64 {
        ((u128::from(self.next_u64()) * u128::from(n)) >> 64) as u64
    }

    fn index(&mut self, len: usize) -> usize {
        self.below(len as u64) as usize
    }

    /// Uniform in `lo..=hi`.
    fn range(&mut self, lo: i64, hi: i64) -> i64 {
        debug_assert!(lo <= hi);
        lo + self.below((hi - lo + 1) as u64) as i64
    }

    fn percent(&mut self, p: u64) -> bool {
        self.below(100) < p
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.index(items.len())]
    }

    fn weighted(&mut self, weights: &[u32]) -> usize {
        let total: u64 = weights.iter().map(|&w| u64::from(w)).sum();
        let mut x = self.below(total);
        for (i, &w) in weights.iter().enumerate() {
            if x < u64::from(w) {
                return i;
            }
            x -= u64::from(w);
        }
        weights.len() - 1
    }

    fn shuffle<T>(&mut self, items: &mut [T]) {
        for i in (1..items.len()).rev() {
            let j = self.index(i + 1);
            items.swap(i, j);
        }
    }

    fn pick_char(&mut self, chars: &str) -> char {
        let n = chars.chars().count();
        chars.chars().nth(self.index(n)).unwrap_or('明')
    }
}

// ---------------------------------------------------------------------------
// Organisation.

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Dept {
    Admin,
    Service,
    Engineering,
    Security,
    Environment,
}

impl Dept {
    fn name(self) -> &'static str {
        match self {
            Dept::Admin => "管理处",
            Dept::Service => "客服部",
            Dept::Engineering => "工程部",
            Dept::Security => "秩序部",
            Dept::Environment => "环境部",
        }
    }

    /// Index into [`CenterStaff::sup`].
    fn slot(self) -> usize {
        match self {
            Dept::Admin | Dept::Service => 0,
            Dept::Engineering => 1,
            Dept::Security => 2,
            Dept::Environment => 3,
        }
    }
}

const SUPERVISED_DEPTS: [Dept; 4] = [
    Dept::Service,
    Dept::Engineering,
    Dept::Security,
    Dept::Environment,
];

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Role {
    Guard,
    Cleaner,
    Repairer,
    GuardLead,
    CleanLead,
    Staff,
    CrSupervisor,
    DeptSupervisor,
    Manager,
}

impl Role {
    fn title(self) -> &'static str {
        match self {
            Role::Guard => "保安员",
            Role::Cleaner => "保洁员",
            Role::Repairer => "维修员",
            Role::GuardLead => "保安队长",
            Role::CleanLead => "保洁组长",
            Role::Staff => "管理人员",
            Role::CrSupervisor => "客户关系主管",
            Role::DeptSupervisor => "部门主管",
            Role::Manager => "管理部经理",
        }
    }

    /// Monthly performance-pay base in yuan, inclusive range, steps of 50.
    fn pay_range(self) -> (u32, u32) {
        match self {
            Role::Guard | Role::Cleaner | Role::Repairer => (1500, 2000),
            Role::GuardLead | Role::CleanLead => (2200, 2800),
            Role::Staff => (2400, 3400),
            Role::DeptSupervisor => (3600, 4600),
            Role::CrSupervisor => (4000, 4800),
            Role::Manager => (5200, 6800),
        }
    }

    fn is_operator(self) -> bool {
        matches!(self, Role::Guard | Role::Cleaner | Role::Repairer)
    }
}

struct Employee {
    id: String,
    name: String,
    role: Role,
    dept: Dept,
    center: usize,
    supervisor: Option<usize>,
    base_pay: u32,
}

/// Who holds which post in one service center (indices into `Roster::people`).
struct CenterStaff {
    manager: usize,
    cr: usize,
    /// 部门主管 of 客服部, 工程部, 秩序部, 环境部 (see [`Dept::slot`]).
    sup: [usize; 4],
    staff: Vec<usize>,
    guards: Vec<usize>,
    cleaners: Vec<usize>,
    repairers: Vec<usize>,
    leads: Vec<usize>,
}

struct Roster {
    people: Vec<Employee>,
    centers: Vec<CenterStaff>,
}

struct Center {
    name: &'static str,
    buildings: i64,
    units: i64,
    floors: i64,
    weight: u32,
}

const CENTERS: [Center; 4] = [
    Center {
        name: "锦绣花园服务中心",
        buildings: 14,
        units: 3,
        floors: 18,
        weight: 30,
    },
    Center {
        name: "滨江壹号服务中心",
        buildings: 8,
        units: 2,
        floors: 32,
        weight: 26,
    },
    Center {
        name: "翠湖山庄服务中心",
        buildings: 22,
        units: 2,
        floors: 6,
        weight: 20,
    },
    Center {
        name: "云栖雅苑服务中心",
        buildings: 11,
        units: 2,
        floors: 26,
        weight: 24,
    },
];

const COMMON_SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗";
const SURNAMES: &str = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦付方白邹孟熊秦邱江尹薛闫段雷侯龙史陶黎贺顾毛郝龚邵万钱严覃武戴莫孔向汤";
const GIVEN_CHARS: &str = "伟芳娜敏静丽强磊军洋勇艳杰娟涛明超霞平刚华建国志海燕红梅玉兰晓东文博浩然涵欣怡雨轩思远俊婷丹春德凤淑珍立新学永晨阳宇航佳梦琪诗鸣天佑慧颖鑫鹏辉琳雪倩斌宁凯峰亮成飞晶瑶桂秀英荣庆云龙家瑞子安嘉祥福";

fn person_name(rng: &mut Rng) -> String {
    let mut name = String::new();
    name.push(if rng.percent(60) {
        rng.pick_char(COMMON_SURNAMES)
    } else {
        rng.pick_char(SURNAMES)
    });
    name.push(rng.pick_char(GIVEN_CHARS));
    if rng.percent(65) {
        name.push(rng.pick_char(GIVEN_CHARS));
    }
    name
}

fn customer_name(rng: &mut Rng, phone_call: bool) -> String {
    if rng.percent(if phone_call { 15 } else { 6 }) {
        let mut name = String::new();
        name.push(rng.pick_char(COMMON_SURNAMES));
        name.push_str(if rng.percent(50) { "先生" } else { "女士" });
        name
    } else {
        person_name(rng)
    }
}

fn mobile_phone(rng: &mut Rng) -> String {
    const SECOND: [char; 7] = ['3', '4', '5', '6', '7', '8', '9'];
    let second = SECOND[rng.weighted(&[30, 2, 25, 2, 12, 22, 7])];
    let mut phone = String::with_capacity(11);
    phone.push('1');
    phone.push(second);
    for _ in 0..9 {
        phone.push(char::from(b'0' + rng.below(10) as u8));
    }
    phone
}

struct RosterBuilder {
    used_names: BTreeSet<String>,
    people: Vec<Employee>,
}

impl RosterBuilder {
    fn add(
        &mut self,
        rng: &mut Rng,
        role: Role,
        dept: Dept,
        center: usize,
        supervisor: Option<usize>,
    ) -> usize {
        let name = loop {
            let candidate = person_name(rng);
            if self.used_names.insert(candidate.clone()) {
                break candidate;
            }
        };
        let (lo, hi) = role.pay_range();
        let steps = (hi - lo) / 50;
        let base_pay = lo + 50 * rng.below(u64::from(steps) + 1) as u32;
        let index = self.people.len();
        self.people.push(Employee {
            id: format!("E{:04}", index + 1),
            name,
            role,
            dept,
            center,
            supervisor,
            base_pay,
        });
        index
    }
}

fn build_roster(rng: &mut Rng) -> Roster {
    let mut b = RosterBuilder {
        used_names: BTreeSet::new(),
        people: Vec::new(),
    };
    let mut centers = Vec::new();
    for c in 0..CENTERS.len() {
        let manager = b.add(rng, Role::Manager, Dept::Admin, c, None);
        let cr = b.add(rng, Role::CrSupervisor, Dept::Service, c, Some(manager));
        let mut sup = [0; 4];
        for (slot, dept) in SUPERVISED_DEPTS.iter().enumerate() {
            sup[slot] = b.add(rng, Role::DeptSupervisor, *dept, c, Some(manager));
        }
        let guard_lead = b.add(
            rng,
            Role::GuardLead,
            Dept::Security,
            c,
            Some(sup[Dept::Security.slot()]),
        );
        let clean_lead = b.add(
            rng,
            Role::CleanLead,
            Dept::Environment,
            c,
            Some(sup[Dept::Environment.slot()]),
        );
        let staff = (0..4)
            .map(|_| {
                b.add(
                    rng,
                    Role::Staff,
                    Dept::Service,
                    c,
                    Some(sup[Dept::Service.slot()]),
                )
            })
            .collect();
        let n_guards = rng.range(2, 4);
        let guards = (0..n_guards)
            .map(|_| b.add(rng, Role::Guard, Dept::Security, c, Some(guard_lead)))
            .collect();
        let n_cleaners = rng.range(2, 3);
        let cleaners = (0..n_cleaners)
            .map(|_| b.add(rng, Role::Cleaner, Dept::Environment, c, Some(clean_lead)))
            .collect();
        let n_repairers = rng.range(2, 3);
        let repairers = (0..n_repairers)
            .map(|_| {
                b.add(
                    rng,
                    Role::Repairer,
                    Dept::Engineering,
                    c,
                    Some(sup[Dept::Engineering.slot()]),
                )
            })
            .collect();
        centers.push(CenterStaff {
            manager,
            cr,
            sup,
            staff,
            guards,
            cleaners,
            repairers,
            leads: vec![guard_lead, clean_lead],
        });
    }
    Roster {
        people: b.people,
        centers,
    }
}

// ---------------------------------------------------------------------------
// What residents ask for.

/// One kind of resident request. `text` has `{0}`, `{1}`… filled from `slots`;
/// `dept` is the responsible (for multi-department matters: the lead) department.
struct Matter {
    category: &'static str,
    dept: Dept,
    multi: bool,
    on_spot: bool,
    weight: u32,
    text: &'static str,
    slots: Vec<Vec<&'static str>>,
    answer: &'static str,
    resolution: &'static str,
}

/// The request catalogue, one matter per line:
/// `category|department|flags|weight|text|slots|staff answer|resolution`.
/// `flags`: `multi` (several departments; `department` leads), `spot` (answered on
/// the spot), `-`; `slots`: `;`-separated lists of `,`-separated fillers for
/// `{0}`, `{1}`…, or `-`. Staff answers must stay free of banned phrases.
const MATTER_TABLE: &str = "\
报修|工程部|-|6|{0}{1}漏水，{2}，麻烦尽快派人来看看|卫生间,厨房,阳台,主卧卫生间;顶部,墙角,水管接口,地漏附近;已经滴了一晚上,地板都泡了,越来越严重,楼下邻居也来问了|好的，我马上安排维修师傅上门查找漏水点，请您先关闭进户水阀，师傅出发前会先给您打电话。|维修员上门更换老化的水管接口，漏水已止住，地面已清理
报修|工程部|-|5|{0}栋{1}号电梯{2}，{3}|1,2,3,5,6,8;1,2;运行时有异响,经常停在半层,楼层按钮失灵,门关不上;老人小孩坐着很害怕,已经好几天了,请尽快检修|收到，我立即通知工程部和电梯维保单位到场检修，检修期间请先使用另一部电梯，给您带来不便非常抱歉。|电梯维保单位到场检修，更换门机皮带并调试，已恢复正常运行
报修|工程部|-|4|{0}的楼道灯{1}，晚上回家{2}|1楼,5楼,12楼,地下车库,单元门口;不亮了,一直在闪,坏了一个星期;黑乎乎的,老人上下楼不安全|好的，我这就通知维修师傅今天更换灯具，修好后给您回个电话。|已更换LED灯具，照明恢复
报修|工程部|-|4|家里{0}堵了，{1}|厨房下水道,卫生间马桶,洗手池,阳台地漏;水排不下去,往上返水,有很大的异味|好的，我安排维修师傅带疏通工具上门，公共管道部分免费疏通，户内部分师傅会先跟您确认费用。|维修员上门疏通，排水恢复正常
报修|工程部|-|3|家里突然停电了，{0}|别的住户好像都有电,空开跳了合不上,冰箱里的东西怕坏|好的，我马上请电工上门检查线路，请您先不要反复合闸，注意用电安全。|电工检查为户内插座短路，已更换插座并恢复供电
报修|工程部|-|2|{0}水压太低，{1}|家里,高层,早晚高峰时;热水器都打不着火,洗澡都很困难|收到，我请工程部检查二次供水加压泵，今天之内给您答复检查结果。|工程部调整加压泵压力，水压恢复正常
报修|工程部|-|3|单元门禁对讲{0}|没有声音,按了没反应,刷卡开不了门,屏幕不亮|好的，我安排弱电维修员今天上门检修门禁对讲系统，维修期间有需要可以联系岗亭帮您开门。|更换门禁读卡模块，门禁对讲恢复正常
报修|工程部|-|1|{0}的下水井盖{1}，{2}|小区东门,3栋楼前,儿童游乐场旁边;松动了,有裂缝,踩上去会晃;怕有人摔倒,晚上很危险|谢谢您提醒，我马上通知工程部到场设置警示标识并更换井盖。|已设置警示并更换井盖
报修|秩序部|-|2|{0}道闸{1}，{2}|地库入口,东门,北门;抬杆很慢,识别不了车牌,一直不落杆;进出排了很长的队,车辆进不来|好的，我马上通知秩序部安排人员到岗疏导，并联系道闸厂家检修。|秩序部到岗疏导，厂家调整识别摄像头后恢复正常
报修|工程部|multi|2|楼上{0}漏水渗到我家{1}，楼上一直没人在家，{2}|卫生间,厨房,阳台;吊顶,墙面,衣柜;吊顶都发霉了,联系不上楼上业主|非常理解您的心情，我们先安排维修师傅到您家查看，同时联系楼上业主，尽快把漏水点找出来。|联系楼上业主开门，修补防水层破损处，受损吊顶由双方协商赔偿
投诉|秩序部|-|4|楼上{0}{1}，{2}|每天晚上,凌晨一两点,周末一大早;拖拽家具的声音很大,小孩跑跳很吵,有人唱歌声音很大;已经影响休息了,已经好几次了,希望物业出面协调|非常抱歉给您带来困扰，我们会安排秩序部同事上门提醒，并做好沟通记录。|秩序部上门沟通，楼上业主表示会注意，已在地面加铺地垫
投诉|秩序部|-|4|我的车位被{0}占了，{1}|外来车辆,别的业主的车,电动车;打电话也找不到车主,已经是第二次了,耽误我上班了|非常抱歉，我马上通知秩序部联系车主挪车，并加强对外来车辆的登记管理。|秩序部联系车主挪车，已加强外来车辆登记
投诉|环境部|-|3|{0}的垃圾{1}没有清运，{2}|单元门口,地下车库,小区东门,3栋旁边;两天,一整天;味道很大,招了很多苍蝇,影响出行|非常抱歉，我马上通知环境部安排清运，并对垃圾桶周边进行清洗消毒。|环境部完成清运并清洗消毒，已调整清运频次
投诉|环境部|-|3|楼道保洁不到位，{0}|楼梯扶手上很多灰,电梯厢里有污渍,楼道里有烟头,消防通道堆了杂物|感谢您的反馈，我会通知环境部当天重新清洁，并加强巡查。|环境部重新清洁，已纳入每日巡查
投诉|工程部|-|3|前天报修的{0}到现在还没人来修，{1}|漏水,门禁,楼道灯,下水道;打了两次电话了,希望给个准信|非常抱歉让您久等，我现在就跟工程部确认维修时间，今天之内给您明确答复。|工程部当天上门完成维修，已向业主致歉
投诉|秩序部|-|2|小区里有人{0}，{1}|遛狗不牵绳,让狗随地大小便;把孩子吓哭了,草坪上到处都是,希望加强管理|非常抱歉，我们会安排秩序部加强巡查劝导，并在小区内张贴文明养犬提示。|秩序部加强巡查劝导，已张贴文明养犬提示
投诉|客服部|-|2|对{0}的物业费账单有疑问，{1}|本季度,上个月;公摊水电费比以前高很多,好像多收了车位管理费|好的，我先把您的账单调出来，和财务核对后逐项给您解释，如有多收会及时退还。|核对账单，公摊费用按实际分摊，已向业主逐项解释
投诉|秩序部|multi|2|{0}装修{1}，{2}|楼上,对门,楼下;中午午休时间还在施工,周末一大早就开始打电钻,晚上八点以后还在施工;违反了装修管理规定,请物业制止|非常抱歉影响您休息，我们马上安排人员到现场制止违规施工，并约谈装修负责人。|秩序部现场制止，客服部约谈装修负责人并重申装修时间规定
投诉|秩序部|-|2|快递放在{0}被人拿走了，{1}|单元门口,快递柜旁边,门卫室门口;希望帮忙调一下监控,门卫说会帮忙看着的|非常抱歉，我马上安排秩序部调取监控查看，有结果第一时间通知您。|调取监控找到取件人，快递已追回
咨询|客服部|spot|5|想了解一下物业费{0}|怎么在线缴纳,有没有年缴优惠,的收费标准|物业费可以通过微信公众号在线缴纳，也可以到服务中心前台缴纳，收费标准在公示栏有公示，我现在也可以帮您查询您家的账单。|已解答物业费缴纳方式及收费标准
咨询|工程部|spot|3|请问{0}停水是什么时间|这周,明天,这次水箱清洗|这次二次供水水箱清洗安排在周四上午九点到十二点，届时会暂停供水，请您提前储水。|已告知停水时间
咨询|客服部|spot|3|家里要装修，需要办什么手续|-|装修需要先到服务中心办理装修登记，带上房产证明和装修公司资质，签订装修管理协议后就可以施工了。|已告知装修登记流程及所需材料
咨询|秩序部|spot|3|请问快递柜{0}|在哪里,怎么取件,超时会收费吗|快递柜在小区东门和北门各有一组，凭取件码取件，超过二十四小时会收取少量保管费。|已解答快递柜位置及取件方式
咨询|秩序部|spot|2|租户想办停车月卡，需要带什么材料|-|租户办理月卡需要带行驶证和租赁合同复印件，到服务中心登记后当天就可以生效。|已告知停车月卡办理材料
咨询|客服部|spot|2|小区{0}几点开放|游泳池,会所,健身房|开放时间是早上九点到晚上九点，每周一上午例行保养暂停开放。|已告知开放时间
咨询|环境部|spot|2|垃圾分类是几点投放|-|每天早上七点到九点、晚上六点到八点定时投放，其他时间可以投到小区东门的误时投放点。|已告知垃圾分类投放时间
咨询|工程部|spot|2|家里想安装{0}，物业有什么要求|空调外机,太阳能热水器,防盗窗|需要按小区统一位置安装，安装前到服务中心登记，工程部会告知统一的安装位置和规格。|已告知安装规定
求助|秩序部|-|3|钥匙锁在家里了，{0}|能不能帮忙联系开锁,孩子还在家里,手机也在家里|您别着急，我马上通知秩序部同事过来协助，并帮您联系有资质的开锁公司。|秩序部协助核实身份，联系开锁公司开门
求助|秩序部|-|2|家里有{0}要搬下楼，{1}|旧沙发,大件家具,旧冰箱;能不能找人帮个忙,能不能临时用一下货梯|好的，我帮您预约货梯，并安排秩序部同事过去协助搬运。|已预约货梯并协助搬运
求助|秩序部|-|3|车在{0}被刮了，想查一下监控|地下车库,东门停车场,地面停车位|好的，请您提供大概的时间段，我马上安排秩序部同事帮您调取监控。|调取监控找到肇事车辆，已协助双方联系
求助|秩序部|-|1|家里老人{0}，需要帮忙|在楼下摔倒了,身体不舒服|好的，我马上让最近的秩序部同事赶过去，需要的话我们帮您拨打急救电话。|秩序部同事到场协助，已联系家属陪同就医
求助|秩序部|-|1|家里的{0}走丢了，能不能帮忙找一下|猫,狗,小狗|好的，我会通知各岗亭和巡逻岗帮忙留意，也可以帮您调取监控看看。|巡逻岗在地库找到宠物，已交还业主
求助|环境部|-|1|{0}有个马蜂窝，{1}|阳台外面,楼道窗户外,小区花园的树上;怕蜇到小孩,进出很害怕|好的，我马上通知环境部联系专业人员来摘除，处理前请尽量关好窗户。|环境部联系专业人员摘除马蜂窝
业务办理|客服部|spot|4|门禁卡{0}，想补办一张|丢了,消磁了,坏了|补办门禁卡需要登记一下身份证信息，工本费二十元，现场十分钟就可以办好。|已现场补办门禁卡
业务办理|客服部|-|3|要办理装修登记，{0}|装修公司下周进场,想问一下押金怎么交|好的，请您把装修方案和装修公司资质留下，我们审核后一个工作日内通知您办理结果。|装修登记审核通过，已发放施工许可证
业务办理|客服部|spot|3|要开{0}的物业费发票|今年,上半年,去年|好的，请您提供开票抬头和税号，我现在就帮您开具电子发票。|已开具电子发票
业务办理|客服部|spot|3|要搬{0}出小区，办一下放行条|家具,家电,装修材料|好的，我核对一下业主信息，现在就给您开放行条，出门时交给门岗就可以。|已开具放行条
业务办理|秩序部|spot|2|停车月卡到期了，要{0}|续费,换一个车牌|好的，月卡可以现场办理，也可以在公众号上办理，我现在帮您登记。|已办理停车月卡
业务办理|客服部|-|2|房子过户了，需要变更业主信息|-|好的，请您提供新的不动产权证和身份证复印件，我们核对后两个工作日内完成变更。|业主信息变更完成
建议|工程部|multi|1|建议小区增加{0}|电动车充电桩,汽车充电桩|感谢您的建议，我们会组织工程部和秩序部评估场地和用电负荷，评估结果会及时告知您。|已评估，计划在地面停车场增设充电桩
建议|环境部|-|2|建议{0}|增加绿化修剪的频次,在小区里多放几个分类垃圾桶,把中心花园的枯树补种一下|谢谢您的建议，我会转达环境部，纳入下月的工作计划。|环境部已采纳并纳入月度计划
建议|客服部|-|2|建议{0}|延长会所开放时间,在单元门口放置雨伞架,在公众号上公示维修进度|谢谢您的宝贵建议，我们会认真研究，有结果后第一时间告知您。|建议已采纳，下月起实施
举报|秩序部|multi|2|{0}有住户{1}|顶楼,一楼花园,3栋楼顶;私搭乱建,占用公共绿地种菜,封闭了公共走廊|感谢您的举报，我们会安排人员到现场核实，并按规定督促整改，处理结果会告知您。|现场核实后下发整改通知，住户已自行拆除
举报|秩序部|-|2|有人从楼上{0}，{1}|往下扔垃圾,往下扔烟头;差点砸到人,太危险了|非常感谢您反映，我们会立即调取高空监控排查，并在楼内张贴禁止高空抛物的提示。|调取监控锁定楼层，已上门教育并张贴提示
举报|客服部|multi|1|{0}疑似群租，{1}|隔壁,楼下,8楼;人员进出很复杂,晚上很吵|感谢您的举报，我们会联合秩序部核实情况，并按管理规约处理，对您的信息严格保密。|核实后联系房东整改，并报社区备案
举报|秩序部|-|2|有人在{0}给电动车充电，{1}|楼道里,电梯厅,单元门口;有火灾隐患,已经好几天了|感谢您反映，这存在安全隐患，我马上安排秩序部到场劝离，并加强巡查。|秩序部到场劝离，已张贴禁止楼道充电提示
投诉|环境部|-|2|{0}的树枝{1}，{2}|窗户外面,楼前,阳台旁边;长得太密了,挡住了采光;屋里白天都要开灯,蚊虫很多|感谢您反映，我会安排环境部绿化组上门查看，按规定修剪，修剪前会提前通知您。|环境部绿化组完成修剪，已通知业主
求助|秩序部|-|1|今天有快递{0}，家里没人，{1}|要送到,是生鲜;能不能帮忙代收一下,能不能先放在门岗|好的，可以先放在门岗代为保管，您回来凭手机号登记领取就可以。|门岗代收快递，业主已领取";

/// The parsed [`MATTER_TABLE`].
fn matters() -> &'static [Matter] {
    static PARSED: OnceLock<Vec<Matter>> = OnceLock::new();
    PARSED.get_or_init(|| MATTER_TABLE.lines().map(parse_matter).collect())
}

fn parse_matter(line: &'static str) -> Matter {
    let f: Vec<&'static str> = line.split('|').collect();
    assert_eq!(f.len(), 8, "malformed matter: {line}");
    let dept = match f[1] {
        "客服部" => Dept::Service,
        "工程部" => Dept::Engineering,
        "秩序部" => Dept::Security,
        "环境部" => Dept::Environment,
        other => panic!("unknown department {other} in matter: {line}"),
    };
    let slots = if f[5] == "-" {
        Vec::new()
    } else {
        f[5].split(';').map(|s| s.split(',').collect()).collect()
    };
    Matter {
        category: f[0],
        dept,
        multi: f[2].split('+').any(|x| x == "multi"),
        on_spot: f[2].split('+').any(|x| x == "spot"),
        weight: f[3].parse().expect("matter weight"),
        text: f[4],
        slots,
        answer: f[6],
        resolution: f[7],
    }
}

const CATEGORIES: [&str; 7] = ["报修", "咨询", "投诉", "求助", "业务办理", "建议", "举报"];
const CATEGORY_WEIGHTS: [u32; 7] = [28, 22, 14, 12, 14, 6, 4];

const CHANNELS: [&str; 5] = ["电话", "来访", "微信", "网络", "来函"];
const CHANNEL_WEIGHTS: [u32; 5] = [40, 34, 13, 8, 5];
const PHONE: &str = "电话";
const VISIT: &str = "来访";
const LETTER: &str = "来函";

/// Relative number of cases received per hour of the day.
const HOUR_WEIGHTS: [u32; 24] = [
    2, 1, 1, 1, 1, 2, 4, 8, 14, 18, 18, 16, 12, 14, 16, 16, 15, 13, 11, 10, 8, 6, 4, 3,
];

fn fill(text: &str, slots: &[Vec<&str>], rng: &mut Rng) -> String {
    let mut out = text.to_string();
    for (i, options) in slots.iter().enumerate() {
        let choice = rng.pick(options);
        out = out.replace(&format!("{{{i}}}"), choice);
    }
    out
}

// ---------------------------------------------------------------------------
// Cases.

/// A planted situation: a violation or a trap that must not be one.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Plant {
    /// First response this many seconds after receipt, more than 24 hours
    /// (24:00:01 … 120:00:00): violates RESP-24H.
    RespLate(i64),
    /// First response exactly 24:00:00 after receipt: on time, no violation.
    RespOnTimeBoundary,
    /// No first response and more than 24 hours old at AS_OF: violates RESP-24H.
    RespMissing,
    /// No first response, received less than 24 hours before AS_OF: pending only.
    RespPending,
    /// A visit / letter / online case with channel, content or customer name blank.
    RecordCase,
    /// A phone case with customer name, phone or content blank.
    RecordPhone,
    /// The first responder says a banned phrase: PHRASE-BANNED.
    PhraseResponder,
    /// The 部门主管 who received the case says a banned phrase: PHRASE-BANNED charged to
    /// that 部门主管.
    PhraseSupervisor,
    /// A staff turn says a banned phrase inside an allowed context: no violation.
    PhraseAllowed,
    /// A handoff route that breaks the escalation path.
    Escalation(EscPlant),
    /// No promise recorded although the case was not solved on the spot: PROMISE-TIME.
    /// `just_over`: resolved exactly 1:00:01 after the first response.
    PromiseMissing { just_over: bool },
    /// Solved on the spot exactly 1:00:00 after the first response, no promise: no
    /// violation.
    PromiseBoundary,
    /// The resident had to come or call this many times (3…5): VISITS-2.
    Visits(u32),
    /// Complaint followed up on this working day (4…10) after its resolution:
    /// FOLLOWUP-3WD.
    FollowupLate(i64),
    /// Resolved complaint never followed up, past due at AS_OF: FOLLOWUP-3WD.
    FollowupMissing,
    /// Complaint followed up exactly at its due time: on time, no violation.
    FollowupAtDue,
    /// Complaint followed up one second after its due time: FOLLOWUP-3WD.
    FollowupJustLate,
    /// Complaint follow-up without satisfaction: FOLLOWUP-SATISFACTION, charged to the
    /// follow-up clerk, or to the first responder when `followup_by` is blank too.
    NoSatisfaction { blank_by: bool },
    /// A follow-up of a case that is not a complaint, satisfaction blank: no violation.
    NoSatisfactionElsewhere,
}

/// Escalation plants: which check of the escalation rule the handoffs break.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum EscPlant {
    /// An operator hands the case straight to a 部门主管 who is not their supervisor.
    Path,
    /// A handoff to an employee of another service center (ESC-PATH via cross_center).
    CrossCenter,
    /// A 部门主管 who received the case passes it to another department; without a
    /// coordination slip that also reaches two departments without one (ESC-SLIP).
    Retransfer { slip: bool },
    /// The case goes back to someone who handed it on (A→B→A, A→B→C→B).
    PingPong,
    /// The 客户关系主管 dispatches to two departments without a coordination slip.
    Slip,
    /// Four handoffs, each allowed on its own.
    Max,
}

impl Plant {
    /// The rule this plant violates when the violation is charged to the first
    /// responder; `None` for traps and for plants charged to someone else.
    fn rule_id(self) -> Option<&'static str> {
        match self {
            Plant::RespLate(_) | Plant::RespMissing => Some(RULE_RESP),
            Plant::RecordCase => Some(RULE_RECORD_CASE),
            Plant::RecordPhone => Some(RULE_RECORD_PHONE),
            Plant::PhraseResponder => Some(RULE_PHRASE),
            Plant::PromiseMissing { .. } => Some(RULE_PROMISE),
            Plant::Visits(_) => Some(RULE_VISITS),
            Plant::FollowupLate(_) | Plant::FollowupMissing | Plant::FollowupJustLate => {
                Some(RULE_FOLLOWUP)
            }
            Plant::RespOnTimeBoundary
            | Plant::RespPending
            | Plant::PhraseSupervisor
            | Plant::PhraseAllowed
            | Plant::Escalation(_)
            | Plant::PromiseBoundary
            | Plant::FollowupAtDue
            | Plant::NoSatisfaction { .. }
            | Plant::NoSatisfactionElsewhere => None,
        }
    }

    fn shapes_response(self) -> bool {
        matches!(
            self,
            Plant::RespLate(_)
                | Plant::RespOnTimeBoundary
                | Plant::RespMissing
                | Plant::RespPending
        )
    }

    /// Plants that choose the handoff route or what the receiver says.
    fn shapes_route(self) -> bool {
        matches!(self, Plant::Escalation(_) | Plant::PhraseSupervisor)
    }

    fn is_phrase(self) -> bool {
        matches!(
            self,
            Plant::PhraseResponder | Plant::PhraseSupervisor | Plant::PhraseAllowed
        )
    }

    fn is_promise(self) -> bool {
        matches!(self, Plant::PromiseMissing { .. } | Plant::PromiseBoundary)
    }

    fn is_followup(self) -> bool {
        matches!(
            self,
            Plant::FollowupLate(_)
                | Plant::FollowupMissing
                | Plant::FollowupAtDue
                | Plant::FollowupJustLate
                | Plant::NoSatisfaction { .. }
                | Plant::NoSatisfactionElsewhere
        )
    }
}

const RULE_RESP: &str = "RESP-24H";
const RULE_RECORD_CASE: &str = "RECORD-CASE";
const RULE_RECORD_PHONE: &str = "RECORD-PHONE";
const RULE_PHRASE: &str = "PHRASE-BANNED";
const RULE_ESC_PATH: &str = "ESC-PATH";
const RULE_ESC_RETRANSFER: &str = "ESC-RETRANSFER";
const RULE_ESC_PINGPONG: &str = "ESC-PINGPONG";
const RULE_ESC_SLIP: &str = "ESC-SLIP";
const RULE_ESC_MAX: &str = "ESC-MAX";
const RULE_PROMISE: &str = "PROMISE-TIME";
const RULE_VISITS: &str = "VISITS-2";
const RULE_FOLLOWUP: &str = "FOLLOWUP-3WD";
const RULE_SATISFACTION: &str = "FOLLOWUP-SATISFACTION";
const RULE_INSPECT: &str = "INSPECT-FINDINGS";
/// Every default rule, in the order of the README's table.
const RULES: [&str; 14] = [
    RULE_RESP,
    RULE_RECORD_CASE,
    RULE_RECORD_PHONE,
    RULE_PHRASE,
    RULE_ESC_PATH,
    RULE_ESC_RETRANSFER,
    RULE_ESC_PINGPONG,
    RULE_ESC_SLIP,
    RULE_ESC_MAX,
    RULE_PROMISE,
    RULE_VISITS,
    RULE_FOLLOWUP,
    RULE_SATISFACTION,
    RULE_INSPECT,
];

struct Case {
    id: String,
    center: usize,
    received: i64,
    channel: String,
    category: &'static str,
    matter: usize,
    customer_name: String,
    customer_phone: String,
    unit: String,
    content: String,
    responder: usize,
    first_response: Option<i64>,
    reply: String,
    promised: Option<i64>,
    resolved: Option<i64>,
    resolution: String,
    contacts: u32,
    followup: Option<i64>,
    followup_by: Option<usize>,
    satisfaction: &'static str,
    slip: String,
    plants: Vec<Plant>,
    /// Violations planted here that are not charged to the first responder:
    /// `(rule, employee)`, recorded when the plant is applied.
    charged: Vec<(&'static str, usize)>,
}

struct Handoff {
    case: usize,
    seq: usize,
    at: i64,
    from: usize,
    to: usize,
    method: &'static str,
    note: String,
}

struct Inspection {
    at: i64,
    employee: usize,
    method: &'static str,
    /// Findings as written in inspections.csv (`;`, `；` or `、` between them); empty
    /// when the check was passed.
    findings: String,
    note: &'static str,
}

struct Waiver {
    case: usize,
    rule: &'static str,
    reason: &'static str,
}

struct Dataset {
    seed: u64,
    roster: Roster,
    cases: Vec<Case>,
    handoffs: Vec<Handoff>,
    inspections: Vec<Inspection>,
    waivers: Vec<Waiver>,
    as_of: Option<i64>,
}

fn build(opts: &SampleOptions) -> Dataset {
    let mut rng = Rng::new(opts.seed);
    let roster = build_roster(&mut rng);
    let mut cases = base_cases(opts.cases, &roster, &mut rng);
    assign_plants(&mut cases, &roster, &mut rng);
    let mut handoffs = Vec::new();
    let mut slips = 0;
    for (index, case) in cases.iter_mut().enumerate() {
        develop_case(index, case, &roster, &mut rng, &mut handoffs, &mut slips);
    }
    plant_followups(&mut cases, &roster, &mut rng);
    for case in &mut cases {
        apply_record_plants(case, &mut rng);
    }
    let as_of = compute_as_of(&cases, &handoffs);
    let waivers = make_waivers(&cases, &mut rng);
    let inspections = make_inspections(&roster, &mut rng);
    Dataset {
        seed: opts.seed,
        roster,
        cases,
        handoffs,
        inspections,
        waivers,
        as_of,
    }
}

fn received_time(rng: &mut Rng) -> i64 {
    let day = rng.range(0, MONTH_DAYS - 1);
    // The last day's intake stops at 22:00 so that late events still fit the month.
    let hours = if day == MONTH_DAYS - 1 { 22 } else { 24 };
    let hour = rng.weighted(&HOUR_WEIGHTS[..hours]) as i64;
    day * DAY + hour * HOUR + rng.range(0, HOUR - 1)
}

fn pick_responder(channel: &str, received: i64, staff: &CenterStaff, rng: &mut Rng) -> usize {
    let hour = received.rem_euclid(DAY) / HOUR;
    let night = !(7..22).contains(&hour);
    // staff, cr, dept supervisor, manager, guard, cleaner, repairer, team lead
    let weights: [u32; 8] = match channel {
        // At night the duty desk and the guards on patrol receive visitors.
        VISIT if night => [40, 0, 0, 0, 60, 0, 0, 0],
        VISIT => [58, 10, 5, 3, 10, 4, 5, 5],
        _ if night => [100, 0, 0, 0, 0, 0, 0, 0],
        PHONE => [78, 14, 6, 2, 0, 0, 0, 0],
        LETTER => [50, 40, 0, 10, 0, 0, 0, 0],
        _ => [80, 18, 2, 0, 0, 0, 0, 0],
    };
    match rng.weighted(&weights) {
        0 => *rng.pick(&staff.staff),
        1 => staff.cr,
        2 => *rng.pick(&staff.sup),
        3 => staff.manager,
        4 => *rng.pick(&staff.guards),
        5 => *rng.pick(&staff.cleaners),
        6 => *rng.pick(&staff.repairers),
        _ => *rng.pick(&staff.leads),
    }
}

fn base_cases(n: usize, roster: &Roster, rng: &mut Rng) -> Vec<Case> {
    let mut received: Vec<i64> = (0..n).map(|_| received_time(rng)).collect();
    received.sort_unstable();
    let center_weights: Vec<u32> = CENTERS.iter().map(|c| c.weight).collect();
    received
        .into_iter()
        .enumerate()
        .map(|(i, received)| {
            let center = rng.weighted(&center_weights);
            let site = &CENTERS[center];
            let channel = CHANNELS[rng.weighted(&CHANNEL_WEIGHTS)];
            let responder = pick_responder(channel, received, &roster.centers[center], rng);
            let category = CATEGORIES[rng.weighted(&CATEGORY_WEIGHTS)];
            let catalogue = matters();
            let candidates: Vec<usize> = (0..catalogue.len())
                .filter(|&m| catalogue[m].category == category)
                .collect();
            let weights: Vec<u32> = candidates.iter().map(|&m| catalogue[m].weight).collect();
            let matter = candidates[rng.weighted(&weights)];
            let content = fill(catalogue[matter].text, &catalogue[matter].slots, rng);
            let phone_call = channel == PHONE;
            let name = customer_name(rng, phone_call);
            let phone = mobile_phone(rng);
            let unit = format!(
                "{}栋{}单元{}{:02}",
                rng.range(1, site.buildings),
                rng.range(1, site.units),
                rng.range(1, site.floors),
                rng.range(1, 4)
            );
            Case {
                id: format!("C{:06}", i + 1),
                center,
                received,
                channel: channel.to_string(),
                category,
                matter,
                customer_name: name,
                customer_phone: phone,
                unit,
                content,
                responder,
                first_response: None,
                reply: String::new(),
                promised: None,
                resolved: None,
                resolution: String::new(),
                contacts: 1,
                followup: None,
                followup_by: None,
                satisfaction: "",
                slip: String::new(),
                plants: Vec::new(),
                charged: Vec::new(),
            }
        })
        .collect()
}

// ---------------------------------------------------------------------------
// Choosing which cases carry which plant.

fn percent_of(n: usize, percent: usize) -> usize {
    per_mille(n, 10 * percent)
}

/// Picks up to `count` random cases that satisfy `eligible` and marks them with the
/// plant made by `make`.
fn plant_some(
    cases: &mut [Case],
    rng: &mut Rng,
    count: usize,
    eligible: impl Fn(&Case) -> bool,
    mut make: impl FnMut(&Case, &mut Rng) -> Plant,
) {
    let mut pool: Vec<usize> = (0..cases.len()).filter(|&i| eligible(&cases[i])).collect();
    rng.shuffle(&mut pool);
    for &i in pool.iter().take(count) {
        let plant = make(&cases[i], rng);
        cases[i].plants.push(plant);
    }
}

fn free_response(case: &Case) -> bool {
    !case.plants.iter().any(|p| p.shapes_response())
}

fn assign_plants(cases: &mut [Case], roster: &Roster, rng: &mut Rng) {
    let n = cases.len();
    let boundary = match n {
        0..=19 => 0,
        20..=199 => 1,
        _ => (n / 1000).clamp(2, 6),
    };
    let late = percent_of(n, 5);
    let max_received = cases.iter().map(|c| c.received).max().unwrap_or(0);

    // RESP-24H boundaries: exactly 24:00:00 (on time) and 24:00:01 (late).
    plant_some(
        cases,
        rng,
        boundary,
        |c| free_response(c) && c.received + RESP_LIMIT <= MONTH_END,
        |_, _| Plant::RespOnTimeBoundary,
    );
    plant_some(
        cases,
        rng,
        boundary.min(late),
        |c| free_response(c) && c.received + RESP_LIMIT < MONTH_END,
        |_, _| Plant::RespLate(RESP_LIMIT + 1),
    );
    // RESP-24H late: 24:00:02 … 120:00:00, mostly within two days.
    plant_some(
        cases,
        rng,
        late.saturating_sub(boundary),
        |c| free_response(c) && c.received + RESP_LIMIT + 2 <= MONTH_END,
        |c, rng| {
            let delay = match rng.weighted(&[60, 30, 10]) {
                0 => rng.range(RESP_LIMIT + 2, 48 * HOUR),
                1 => rng.range(48 * HOUR, 72 * HOUR),
                _ => rng.range(72 * HOUR, LATE_MAX_DELAY),
            };
            let room = MONTH_END - c.received;
            Plant::RespLate(if delay <= room {
                delay
            } else {
                rng.range(RESP_LIMIT + 2, room)
            })
        },
    );
    // RESP-24H missing: AS_OF >= the latest receipt, so these are past due.
    plant_some(
        cases,
        rng,
        percent_of(n, 1),
        |c| free_response(c) && c.received + RESP_LIMIT < max_received,
        |_, _| Plant::RespMissing,
    );
    // Pending: received on the last day; AS_OF <= MONTH_END, so less than 24h old.
    plant_some(
        cases,
        rng,
        (n / 1000).clamp(1, 8),
        |c| free_response(c) && c.received > MONTH_END - RESP_LIMIT,
        |_, _| Plant::RespPending,
    );
    // RECORD-PHONE first, then RECORD-CASE on other cases (a fifth of them phone
    // cases whose channel went unrecorded).
    let record = percent_of(n, 2);
    plant_some(
        cases,
        rng,
        record,
        |c| c.channel == PHONE,
        |_, _| Plant::RecordPhone,
    );
    let record_phone_cases = record / 5;
    plant_some(
        cases,
        rng,
        record - record_phone_cases,
        |c| c.channel != PHONE,
        |_, _| Plant::RecordCase,
    );
    plant_some(
        cases,
        rng,
        record_phone_cases,
        |c| c.channel == PHONE && c.plants.is_empty(),
        |_, _| Plant::RecordCase,
    );
    assign_escalation_plants(cases, roster, rng);
    assign_phrase_plants(cases, roster, rng);
    assign_case_plants(cases, roster, rng);
}

/// Roughly `per_mille` thousandths of `n`, rounded.
fn per_mille(n: usize, per_mille: usize) -> usize {
    (n * per_mille + 500) / 1000
}

/// How many boundary traps of one kind: none below 200 cases, then one per thousand
/// cases, 1…4.
fn handful(n: usize) -> usize {
    if n < 200 {
        0
    } else {
        (n / 1000).clamp(1, 4)
    }
}

/// A normal first response (so a transcript), with `extra` seconds of handoffs and
/// resolution still fitting in the month.
fn answered_with_room(case: &Case, extra: i64) -> bool {
    free_response(case) && case.received + NORMAL_MAX_DELAY + extra <= MONTH_END
}

fn free_route(case: &Case) -> bool {
    !case.plants.iter().any(|p| p.shapes_route())
}

/// Room for a planted handoff route: at most four handoffs, 30 + 3 × 90 minutes.
const ROUTE_ROOM: i64 = 6 * HOUR;

fn assign_escalation_plants(cases: &mut [Case], roster: &Roster, rng: &mut Rng) {
    let count = per_mille(cases.len(), 4);
    let people = &roster.people;
    let eligible = |c: &Case, roles: &[Role]| {
        answered_with_room(c, ROUTE_ROOM)
            && free_route(c)
            && !matters()[c.matter].on_spot
            && roles.contains(&people[c.responder].role)
    };
    const OPERATORS: [Role; 3] = [Role::Guard, Role::Cleaner, Role::Repairer];
    const DESK: [Role; 3] = [Role::Staff, Role::GuardLead, Role::CleanLead];
    const DESK_AND_CR: [Role; 4] = [
        Role::Staff,
        Role::GuardLead,
        Role::CleanLead,
        Role::CrSupervisor,
    ];
    plant_some(
        cases,
        rng,
        count,
        |c| eligible(c, &OPERATORS),
        |_, _| Plant::Escalation(EscPlant::Path),
    );
    plant_some(
        cases,
        rng,
        count,
        |c| eligible(c, &DESK_AND_CR),
        |_, _| Plant::Escalation(EscPlant::CrossCenter),
    );
    plant_some(
        cases,
        rng,
        count,
        |c| eligible(c, &DESK),
        |_, rng| {
            Plant::Escalation(EscPlant::Retransfer {
                slip: rng.percent(50),
            })
        },
    );
    plant_some(
        cases,
        rng,
        count,
        |c| eligible(c, &[Role::Staff, Role::Manager]),
        |_, _| Plant::Escalation(EscPlant::PingPong),
    );
    plant_some(
        cases,
        rng,
        count,
        |c| eligible(c, &DESK_AND_CR),
        |_, _| Plant::Escalation(EscPlant::Slip),
    );
    plant_some(
        cases,
        rng,
        count,
        |c| eligible(c, &DESK),
        |_, _| Plant::Escalation(EscPlant::Max),
    );
}

/// Whether the regulation's route of this case (see [`plan_route`]) always ends at a
/// 部门主管.
fn reaches_dept_head(case: &Case, roster: &Roster) -> bool {
    let matter = &matters()[case.matter];
    let me = &roster.people[case.responder];
    match me.role {
        Role::Staff | Role::CrSupervisor => matter.multi && !matter.on_spot,
        Role::GuardLead | Role::CleanLead => {
            !matter.on_spot && (matter.multi || matter.dept != me.dept)
        }
        Role::Repairer => {
            (matter.multi || matter.dept != me.dept)
                && me
                    .supervisor
                    .is_some_and(|s| roster.people[s].role == Role::DeptSupervisor)
        }
        _ => false,
    }
}

fn assign_phrase_plants(cases: &mut [Case], roster: &Roster, rng: &mut Rng) {
    let n = cases.len();
    let free = |c: &Case| answered_with_room(c, 0) && !c.plants.iter().any(|p| p.is_phrase());
    plant_some(cases, rng, per_mille(n, 20), free, |_, _| {
        Plant::PhraseResponder
    });
    plant_some(
        cases,
        rng,
        per_mille(n, 3),
        |c| {
            free(c)
                && answered_with_room(c, ROUTE_ROOM)
                && free_route(c)
                && reaches_dept_head(c, roster)
        },
        |_, _| Plant::PhraseSupervisor,
    );
    plant_some(cases, rng, per_mille(n, 10), free, |_, _| {
        Plant::PhraseAllowed
    });
}

fn assign_case_plants(cases: &mut [Case], roster: &Roster, rng: &mut Rng) {
    let n = cases.len();
    let small = handful(n);
    let people = &roster.people;
    let free = |c: &Case| !c.plants.iter().any(|p| p.is_promise());
    let on_spot = |c: &Case| matters()[c.matter].on_spot;
    // Resolved 1:00:01 after the first response: responders whose cases are never
    // handed on, so that nothing happens between response and resolution.
    plant_some(
        cases,
        rng,
        small,
        |c| {
            free(c)
                && answered_with_room(c, 2 * HOUR)
                && !on_spot(c)
                && free_route(c)
                && matches!(
                    people[c.responder].role,
                    Role::DeptSupervisor | Role::Manager
                )
        },
        |_, _| Plant::PromiseMissing { just_over: true },
    );
    plant_some(
        cases,
        rng,
        per_mille(n, 15).saturating_sub(small),
        |c| free(c) && answered_with_room(c, 0) && !on_spot(c),
        |_, _| Plant::PromiseMissing { just_over: false },
    );
    // Solved on the spot by whoever received it (never handed on), exactly at 1:00:00.
    plant_some(
        cases,
        rng,
        small,
        |c| {
            free(c)
                && answered_with_room(c, 2 * HOUR)
                && on_spot(c)
                && free_route(c)
                && !people[c.responder].role.is_operator()
        },
        |_, _| Plant::PromiseBoundary,
    );
    plant_some(
        cases,
        rng,
        per_mille(n, 10),
        |_| true,
        |_, rng| Plant::Visits(3 + rng.weighted(&[60, 28, 12]) as u32),
    );
}

enum ResponsePlan {
    Normal,
    After(i64),
    Never,
}

fn response_plan(plants: &[Plant]) -> ResponsePlan {
    for plant in plants {
        match *plant {
            Plant::RespLate(delay) => return ResponsePlan::After(delay),
            Plant::RespOnTimeBoundary => return ResponsePlan::After(RESP_LIMIT),
            Plant::RespMissing | Plant::RespPending => return ResponsePlan::Never,
            _ => {}
        }
    }
    ResponsePlan::Normal
}

/// A normal first response: 5 minutes … 20 hours, depending on the channel.
fn normal_delay(channel: &str, rng: &mut Rng) -> i64 {
    let bands: [(u32, i64, i64); 3] = match channel {
        VISIT => [(80, 5, 20), (15, 20, 60), (5, 60, 240)],
        PHONE => [(70, 5, 30), (25, 30, 240), (5, 240, 1200)],
        LETTER => [(10, 60, 120), (30, 120, 480), (60, 480, 1200)],
        _ => [(50, 10, 120), (40, 120, 480), (10, 480, 1200)],
    };
    let weights = [bands[0].0, bands[1].0, bands[2].0];
    let (_, lo, hi) = bands[rng.weighted(&weights)];
    let delay = rng.range(lo * MINUTE, hi * MINUTE);
    delay.min(NORMAL_MAX_DELAY)
}

fn promise_window(category: &str, rng: &mut Rng) -> i64 {
    let (lo, hi) = match category {
        "报修" => (2, 24),
        "投诉" => (4, 72),
        "求助" => (1, 6),
        "业务办理" => (4, 48),
        "建议" => (24, 168),
        "举报" => (24, 96),
        _ => (2, 24),
    };
    rng.range(lo * HOUR, hi * HOUR)
}

/// One step of a handoff chain: who receives the case next.
struct Step {
    from: usize,
    to: usize,
}

/// The regulation's transfer path for this case (empty when the first responder
/// handles it): operators hand to their direct supervisor; team leads and 管理人员
/// hand a single-department matter to that department's 部门主管 and an unclear or
/// multi-department one to the 客户关系主管, who hands it to the lead department's
/// 部门主管; a receiving department never passes it on.
fn plan_route(case: &Case, roster: &Roster, rng: &mut Rng) -> Vec<Step> {
    let matter = &matters()[case.matter];
    let me = &roster.people[case.responder];
    let center = &roster.centers[case.center];
    let target = center.sup[matter.dept.slot()];
    let first = case.responder;
    let via_cr = || {
        vec![
            Step {
                from: first,
                to: center.cr,
            },
            Step {
                from: center.cr,
                to: target,
            },
        ]
    };
    let direct = |to: usize| vec![Step { from: first, to }];
    match me.role {
        Role::Guard | Role::Cleaner | Role::Repairer => match me.supervisor {
            Some(boss) if matter.dept != me.dept || matter.multi => direct(boss),
            _ => Vec::new(),
        },
        Role::GuardLead | Role::CleanLead => {
            if matter.on_spot {
                Vec::new()
            } else if matter.multi {
                via_cr()
            } else if matter.dept != me.dept {
                direct(target)
            } else {
                Vec::new()
            }
        }
        Role::Staff => {
            if matter.on_spot {
                Vec::new()
            } else if matter.multi {
                via_cr()
            } else if matter.dept == Dept::Service || !rng.percent(7) {
                Vec::new()
            } else if rng.percent(20) {
                via_cr()
            } else {
                direct(target)
            }
        }
        Role::CrSupervisor => {
            if matter.on_spot {
                Vec::new()
            } else if matter.multi || (matter.dept != Dept::Service && rng.percent(20)) {
                direct(target)
            } else {
                Vec::new()
            }
        }
        Role::DeptSupervisor | Role::Manager => Vec::new(),
    }
}

/// 方式一 电话 / 方式二 现场 / 方式三 陪同; only the first responder of a visit can
/// accompany the resident.
fn handoff_method(channel: &str, first_step: bool, rng: &mut Rng) -> &'static str {
    if channel == VISIT && first_step {
        ["电话", "现场", "陪同"][rng.weighted(&[40, 35, 25])]
    } else {
        ["电话", "现场"][rng.weighted(&[60, 40])]
    }
}

fn handoff_note(roster: &Roster, step: &Step, method: &str, slip: Option<&str>) -> String {
    let from = &roster.people[step.from];
    let to = &roster.people[step.to];
    let dept = to.dept.name();
    let mut note = if to.center != from.center {
        format!(
            "转{}{}{}处理",
            CENTERS[to.center].name,
            to.role_title_for_speech(),
            to.name
        )
    } else if to.role == Role::CrSupervisor {
        match from.role {
            Role::DeptSupervisor => format!("需其他部门配合，报客户关系主管{}协调", to.name),
            Role::Manager => format!("请客户关系主管{}协调处理", to.name),
            _ => format!("责任部门需协调，转客户关系主管{}统一协调", to.name),
        }
    } else if to.role == Role::Manager {
        format!("此事需管理部经理决定，报管理部经理{}", to.name)
    } else if from.role == Role::CrSupervisor {
        format!("经判定属{}负责，批转{}主管{}处理", dept, dept, to.name)
    } else if from.role == Role::DeptSupervisor {
        format!(
            "经查不属{}职责，转{}主管{}处理",
            from.dept.name(),
            dept,
            to.name
        )
    } else if from.role.is_operator() && from.supervisor == Some(step.to) {
        format!("非本岗位职责，转直接上级{}处理", to.name)
    } else {
        match method {
            "电话" => format!("转{}主管{}，已电话联系其与业主直接沟通", dept, to.name),
            "陪同" => format!("陪同业主至{}，交{}主管处理", dept, to.name),
            _ => format!("转{}主管{}，由其到现场处理", dept, to.name),
        }
    };
    if let (Some(slip), true) = (slip, from.role == Role::CrSupervisor) {
        note.push_str("，已填报客户接待事项协调单");
        note.push_str(slip);
    }
    note
}

/// `t` if it falls in office hours (08:00–20:00), else a time during the next
/// office day.
fn office_hours(t: i64, rng: &mut Rng) -> i64 {
    let day = t.div_euclid(DAY) * DAY;
    let hour = t.rem_euclid(DAY) / HOUR;
    match hour {
        8..=19 => t,
        0..=7 => day + 8 * HOUR + rng.range(0, 10 * HOUR),
        _ => day + DAY + 8 * HOUR + rng.range(0, 10 * HOUR),
    }
}

const SATISFACTION: [&str; 3] = ["满意", "基本满意", "不满意"];

fn satisfaction(rng: &mut Rng) -> &'static str {
    SATISFACTION[rng.weighted(&[72, 21, 7])]
}

/// Who makes the follow-up call: the 客户关系主管, else the 客服部 主管.
fn followup_clerk(center: &CenterStaff, rng: &mut Rng) -> usize {
    if rng.percent(70) {
        center.cr
    } else {
        center.sup[Dept::Service.slot()]
    }
}

/// A planted handoff route (see [`EscPlant`]): the steps, whether the case records a
/// coordination slip, and the violations it causes.
struct PlantedRoute {
    steps: Vec<Step>,
    slip: bool,
    charged: Vec<(&'static str, usize)>,
}

fn planted_route(case: &Case, roster: &Roster, rng: &mut Rng, kind: EscPlant) -> PlantedRoute {
    let matter = &matters()[case.matter];
    let center = &roster.centers[case.center];
    let me = case.responder;
    let role = roster.people[me].role;
    let cr = center.cr;
    let step = |from: usize, to: usize| Step { from, to };
    // The head of the matter's department, and heads of other departments.
    let head = center.sup[matter.dept.slot()];
    let service = center.sup[Dept::Service.slot()];
    let other_head = |rng: &mut Rng, not: usize| loop {
        let h = *rng.pick(&center.sup);
        if h != not {
            break h;
        }
    };
    // The 客户关系主管 belongs to 客服部: once 客服部's head has received the case, the
    // 客户关系主管 dispatching it further is a re-transfer. Coordination routes
    // therefore reach another department first.
    let first_head = |rng: &mut Rng| {
        if head != service {
            head
        } else {
            other_head(rng, service)
        }
    };
    let (steps, slip, charged) = match kind {
        EscPlant::Path => {
            let to = if roster.people[me].supervisor != Some(head) {
                head
            } else {
                other_head(rng, head)
            };
            (vec![step(me, to)], false, vec![(RULE_ESC_PATH, me)])
        }
        EscPlant::CrossCenter => {
            let other = (case.center + 1 + rng.index(CENTERS.len() - 1)) % CENTERS.len();
            let there = &roster.centers[other];
            let to = if role == Role::CrSupervisor {
                there.manager
            } else {
                there.sup[matter.dept.slot()]
            };
            (vec![step(me, to)], false, vec![(RULE_ESC_PATH, me)])
        }
        EscPlant::Retransfer { slip: true } => {
            let next = other_head(rng, head);
            (
                vec![step(me, cr), step(cr, head), step(head, next)],
                true,
                vec![(RULE_ESC_RETRANSFER, head)],
            )
        }
        EscPlant::Retransfer { slip: false } => {
            let next = other_head(rng, head);
            (
                vec![step(me, head), step(head, next)],
                false,
                vec![(RULE_ESC_RETRANSFER, head), (RULE_ESC_SLIP, head)],
            )
        }
        EscPlant::PingPong if role == Role::Manager => (
            vec![step(me, cr), step(cr, me)],
            false,
            vec![(RULE_ESC_PINGPONG, cr)],
        ),
        EscPlant::PingPong => (
            vec![
                step(me, cr),
                step(cr, center.manager),
                step(center.manager, cr),
            ],
            false,
            vec![(RULE_ESC_PINGPONG, center.manager)],
        ),
        EscPlant::Slip => {
            let a = first_head(rng);
            let b = other_head(rng, a);
            let steps = if role == Role::CrSupervisor {
                vec![step(me, a), step(me, b)]
            } else {
                vec![step(me, cr), step(cr, a), step(cr, b)]
            };
            (steps, false, vec![(RULE_ESC_SLIP, cr)])
        }
        EscPlant::Max => {
            let a = first_head(rng);
            let b = other_head(rng, a);
            (
                vec![step(me, cr), step(cr, a), step(a, cr), step(cr, b)],
                true,
                vec![(RULE_ESC_MAX, cr)],
            )
        }
    };
    PlantedRoute {
        steps,
        slip,
        charged,
    }
}

fn develop_case(
    index: usize,
    case: &mut Case,
    roster: &Roster,
    rng: &mut Rng,
    handoffs: &mut Vec<Handoff>,
    slips: &mut u32,
) {
    let matter = &matters()[case.matter];
    let center = &roster.centers[case.center];
    let first_response = match response_plan(&case.plants) {
        ResponsePlan::Never => None,
        ResponsePlan::After(delay) => Some(case.received + delay),
        ResponsePlan::Normal => {
            let t = case.received + normal_delay(&case.channel, rng);
            // Not yet answered when the month closed: open and pending.
            (t <= MONTH_END).then_some(t)
        }
    };
    let visits = case.plants.iter().find_map(|p| match *p {
        Plant::Visits(k) => Some(k),
        _ => None,
    });
    let Some(first_response) = first_response else {
        case.contacts = if case.plants.contains(&Plant::RespMissing) && rng.percent(30) {
            2
        } else {
            1
        };
        case.contacts = visits.unwrap_or(case.contacts);
        return;
    };
    case.first_response = Some(first_response);
    case.contacts = if rng.percent(if case.category == "投诉" { 20 } else { 10 }) {
        2
    } else {
        1
    };
    case.contacts = visits.unwrap_or(case.contacts);

    // Handoffs, a few minutes apart, all before the month closes.
    let escalation = case.plants.iter().find_map(|p| match *p {
        Plant::Escalation(kind) => Some(kind),
        _ => None,
    });
    let (mut route, planted_slip) = match escalation {
        Some(kind) => {
            let planted = planted_route(case, roster, rng, kind);
            case.charged.extend(planted.charged);
            (planted.steps, Some(planted.slip))
        }
        None => (plan_route(case, roster, rng), None),
    };
    let mut times = Vec::with_capacity(route.len());
    let mut at = first_response;
    for k in 0..route.len() {
        at += if k == 0 {
            rng.range(MINUTE, 30 * MINUTE)
        } else {
            rng.range(5 * MINUTE, 90 * MINUTE)
        };
        times.push(at);
    }
    if at > MONTH_END {
        // Planted routes always fit (see `ROUTE_ROOM`); the self-check would catch one
        // that did not.
        route.clear();
        times.clear();
        at = first_response;
    }
    let last_event = at;
    let wants_slip = planted_slip.unwrap_or_else(|| {
        let via_cr = route.iter().any(|s| s.to == center.cr);
        let cr_multi = case.responder == center.cr && matter.multi && !route.is_empty();
        via_cr || cr_multi
    });
    if wants_slip {
        *slips += 1;
        case.slip = format!("XT-2026-10-{:04}", *slips);
    }
    let slip = (!case.slip.is_empty()).then_some(case.slip.as_str());
    let mut methods = Vec::with_capacity(route.len());
    for (k, step) in route.iter().enumerate() {
        let method = handoff_method(&case.channel, k == 0, rng);
        methods.push(method);
        handoffs.push(Handoff {
            case: index,
            seq: k + 1,
            at: times[k],
            from: step.from,
            to: step.to,
            method,
            note: handoff_note(roster, step, method, slip),
        });
    }

    // Promise, resolution, follow-up.
    let promise_missing = case.plants.iter().find_map(|p| match *p {
        Plant::PromiseMissing { just_over } => Some(just_over),
        _ => None,
    });
    let solved_on_spot = matter.on_spot && route.is_empty();
    if solved_on_spot {
        let t = if case.plants.contains(&Plant::PromiseBoundary) {
            first_response + HOUR
        } else {
            first_response + rng.range(MINUTE, 10 * MINUTE)
        };
        case.resolved = Some(if t <= MONTH_END { t } else { first_response });
        case.resolution = matter.resolution.to_string();
    } else {
        // A promise may point past the month's end (it is a plan, not an event).
        let due = office_hours(last_event + promise_window(case.category, rng), rng);
        let promised = ceil_to(due, 30 * MINUTE);
        case.promised = Some(promised);
        let mut done =
            last_event + rng.range(10 * MINUTE, (promised - last_event).max(10 * MINUTE));
        if case.category != "求助" {
            // Except urgent help, matters are closed in office hours when the promise allows.
            let office = office_hours(done, rng);
            if office <= promised {
                done = office;
            }
        }
        match promise_missing {
            // No promise, and not solved on the spot: resolved more than an hour after
            // the first response (or still open).
            Some(true) => done = first_response + HOUR + 1,
            Some(false) => done = done.max(first_response + HOUR + rng.range(MINUTE, 3 * HOUR)),
            None => {}
        }
        if promise_missing.is_some() {
            case.promised = None;
        }
        if case.category == "投诉" && done.rem_euclid(DAY) == 0 {
            // A complaint resolved at 00:00:00 sharp is where readings of "3 working
            // days" differ (end of the 3rd day or start of the 4th): avoid it.
            done += 1;
        }
        if done <= MONTH_END {
            case.resolved = Some(done);
            case.resolution = matter.resolution.to_string();
        } else {
            let dept = roster.people[center.sup[matter.dept.slot()]].dept.name();
            case.resolution = format!("处理中，已安排{}跟进", dept);
        }
    }
    if let Some(resolved) = case.resolved {
        let wants = match case.category {
            "投诉" => 100,
            "报修" => 25,
            "举报" => 40,
            _ => 5,
        };
        if rng.percent(wants) {
            // At most 70 hours later: a complaint's follow-up is due 3 working days
            // (at least 72 hours) after its resolution.
            let t = office_hours(resolved + rng.range(HOUR, 48 * HOUR), rng);
            if t <= MONTH_END {
                case.followup = Some(t);
                case.followup_by = Some(followup_clerk(center, rng));
                case.satisfaction = satisfaction(rng);
            }
        }
    }
    let late = first_response - case.received > NORMAL_MAX_DELAY;
    let (reply, charged) = transcript(case, roster, &route, &methods, late, rng);
    case.reply = reply;
    case.charged.extend(charged);
}

// ---------------------------------------------------------------------------
// Transcripts.

/// Words staff must never say (the default phrases of PHRASE-BANNED); unplanted staff
/// turns never contain them outside an allowed context.
const BANNED: [&str; 8] = [
    "不知道",
    "不清楚",
    "没办法",
    "没有办法",
    "办不了",
    "不归我管",
    "不归我们管",
    "不懂",
];

/// Contexts in which a banned phrase is no violation (PHRASE-BANNED's default `allow`).
const ALLOWED_CONTEXTS: [&str; 52] = [
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
    "您可能不知道",
    "您也许不知道",
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
    "听不清楚",
    "看不清楚",
    "没办法联系上",
    "没办法联系到",
    "没办法接通",
    "没办法打通",
    "没有办法联系上",
    "没有办法联系到",
    "没有办法接通",
    "没有办法打通",
    "不是没办法",
    "不是没有办法",
    "有没有办法",
    "不是办不了",
];

/// Speaker labels of the resident in generated transcripts.
const CUSTOMER_LABELS: [&str; 2] = ["业主", "来电人"];

/// Things residents say that quote a banned phrase: a trap for the phrase rule,
/// since only staff turns count.
const CUSTOMER_QUOTES: [&str; 7] = [
    "上次你们保安说不归他管，让我自己找前台。",
    "之前打过电话，接电话的说不清楚，这次希望给个准话。",
    "上回问保洁阿姨，她说不知道该找谁。",
    "你们可别跟我说办不了啊。",
    "之前那个师傅说他也没办法，只能来找你们。",
    "上次有人说这事不归我们管，我才来找服务中心的。",
    "我年纪大了，手机上那些操作我不懂。",
];

/// What a first responder says when brushing a resident off: each has one banned
/// phrase, some spaced, punctuated or in traditional characters.
const EVASIONS: [&str; 11] = [
    "这个不归我管，您去找工程部吧。",
    "这事我也不知道，过两天再问问吧。",
    "具体什么时候能弄好，我不 清 楚。",
    "這個不歸我管，您找別人吧。",
    "这个真的没-办-法，您只能先等着。",
    "今天系统升级，这个业务办不了。",
    "这种事不归我们管，您打12345吧。",
    "这方面我不懂，您问问别人吧。",
    "这个我不\u{3000}知\u{3000}道。",
    "说实话我们也没，办，法。",
    "不知道啊，之前没人跟我说过。",
];

/// A handed-off 部门主管 brushing the resident off; `{dept}` and `{name}` are filled in.
const HEAD_EVASIONS: [&str; 4] = [
    "您好，我是{dept}主管{name}。这个情况我也不清楚，得先到现场看看再说。",
    "您好，我是{dept}主管{name}，说实话这事不归我们管，不过我先帮您问问。",
    "我是{dept}的{name}，这个我们暂时没办法，要等厂家来。",
    "您好，我是{name}，这个问题我也不知道怎么弄，我问问同事。",
];

const PUSHBACKS: [&str; 4] = [
    "你们服务中心怎么能这么说？",
    "那我到底该找谁啊？",
    "你这是什么态度？",
    "首问负责，你们墙上不是贴着吗？",
];

/// Staff turns with a banned phrase inside an allowed context: traps, no violation.
const ALLOWED_SAYINGS: [&str; 6] = [
    "明天上午不知道您是否方便在家？师傅想上门看一下。",
    "如有不清楚的地方请随时联系我们。",
    "刚才信号不好，有点听不清楚，您再说一遍好吗？",
    "您可能不知道，小区东门新设了快递柜，取件更方便了。",
    "之前不是没办法修，是配件还没到，这次已经到货了。",
    "这个流程有不懂的地方，我可以一步一步教您。",
];

const CUSTOMER_CLOSINGS: [&str; 5] = [
    "好的，谢谢。",
    "那麻烦你们尽快。",
    "行，我等你们消息。",
    "好的，辛苦了。",
    "好的，明白了。",
];

const STAFF_CLOSINGS: [&str; 4] = [
    "不客气，有问题随时联系我们。",
    "好的，处理完成后我们会回访您。",
    "应该的，祝您生活愉快。",
    "不客气，这件事我会一直跟进到处理完毕。",
];

fn push_turn(out: &mut String, rng: &mut Rng, speaker: &str, text: &str) {
    if !out.is_empty() {
        out.push('\n');
    }
    out.push_str(speaker);
    out.push_str(if rng.percent(4) { ":" } else { "：" });
    out.push_str(text);
}

/// How a 管理人员 may label their own turn: `客服李娜`, `客服 李娜`, `客服专员李娜`, when
/// the label contains no other name of the center's roster; else the name.
fn desk_label(case: &Case, roster: &Roster, rng: &mut Rng) -> String {
    let me = &roster.people[case.responder];
    if me.role != Role::Staff || !rng.percent(40) {
        return me.name.clone();
    }
    let label = format!("{}{}", ["客服", "客服 ", "客服专员"][rng.index(3)], me.name);
    let names = roster
        .people
        .iter()
        .filter(|p| p.center == case.center && label.contains(p.name.as_str()))
        .count();
    if names == 1 {
        label
    } else {
        me.name.clone()
    }
}

/// The reply transcript, and the PHRASE-BANNED violations planted in it that are not
/// the first responder's.
fn transcript(
    case: &Case,
    roster: &Roster,
    route: &[Step],
    methods: &[&str],
    late: bool,
    rng: &mut Rng,
) -> (String, Vec<(&'static str, usize)>) {
    let matter = &matters()[case.matter];
    let me = &roster.people[case.responder];
    let staff = me.name.as_str();
    let customer = if case.channel == PHONE {
        "来电人"
    } else {
        "业主"
    };
    let center_name = CENTERS[case.center].name;
    let mut out = String::new();
    let mut charged = Vec::new();

    let greeting = match case.channel.as_str() {
        PHONE => format!("您好，{}，我是{}，请问有什么可以帮您？", center_name, staff),
        VISIT => {
            ["您好，请问有什么需要帮忙的？", "您好，请坐，您慢慢说。"][rng.index(2)].to_string()
        }
        LETTER => format!(
            "您好，您的来函已收到，我是{}，现就您反映的问题答复如下。",
            staff
        ),
        _ => format!("您好，您的留言已收到，我是客服{}。", staff),
    };
    push_turn(&mut out, rng, staff, &greeting);
    push_turn(&mut out, rng, customer, &case.content);
    if case.contacts > 2 {
        let how = match case.channel.as_str() {
            PHONE => "打电话",
            LETTER => "写信",
            VISIT => "来",
            _ => "留言",
        };
        let line = format!("这已经是我第{}次{}反映这个问题了。", case.contacts, how);
        push_turn(&mut out, rng, customer, &line);
    }
    if rng.percent(3) {
        let quote = rng_pick_str(rng, &CUSTOMER_QUOTES);
        push_turn(&mut out, rng, customer, quote);
        push_turn(
            &mut out,
            rng,
            staff,
            "之前给您带来不好的体验，非常抱歉，这件事由我负责跟进到底。",
        );
    }
    if case.plants.contains(&Plant::PhraseResponder) {
        let label = desk_label(case, roster, rng);
        let evasion = rng_pick_str(rng, &EVASIONS);
        push_turn(&mut out, rng, &label, evasion);
        let pushback = rng_pick_str(rng, &PUSHBACKS);
        push_turn(&mut out, rng, customer, pushback);
        push_turn(
            &mut out,
            rng,
            staff,
            "对不起，刚才是我态度不好，这件事我来负责。",
        );
    }
    let mut answer = String::new();
    if late {
        answer.push_str("非常抱歉这么晚才回复您。");
    }
    answer.push_str(matter.answer);
    if let Some(promised) = case.promised {
        answer.push_str(&format!("我们会在{}前给您处理结果。", fmt_spoken(promised)));
    }
    push_turn(&mut out, rng, staff, &answer);
    for (step, method) in route.iter().zip(methods) {
        let to = &roster.people[step.to];
        let dept = to.dept.name();
        if step.from != case.responder {
            continue;
        }
        let line = if to.center != case.center {
            format!(
                "这件事我转给{}{}{}处理，请您稍等。",
                CENTERS[to.center].name,
                to.role_title_for_speech(),
                to.name
            )
        } else if to.role == Role::CrSupervisor {
            format!(
                "这件事涉及几个部门，我马上报客户关系主管{}统一协调，今天之内给您答复。",
                to.name
            )
        } else if me.role.is_operator() && me.supervisor == Some(step.to) {
            format!(
                "这件事我马上报告我们{}{}，由{}负责为您处理，请您稍等。",
                to.role_title_for_speech(),
                to.name,
                to.name
            )
        } else {
            match *method {
                "电话" => format!(
                    "这件事由{}负责，我现在就请{}{}主管直接跟您联系。",
                    dept, dept, to.name
                ),
                "陪同" => format!(
                    "这件事需要到{}现场办理，我陪您一起过去找{}主管。",
                    dept, to.name
                ),
                _ => format!(
                    "这件事由{}负责，我已通知{}{}主管到现场为您处理。",
                    dept, dept, to.name
                ),
            }
        };
        push_turn(&mut out, rng, staff, &line);
    }
    if let (Some(last), Some(method)) = (route.last(), methods.last()) {
        let to = &roster.people[last.to];
        if to.role == Role::DeptSupervisor && case.plants.contains(&Plant::PhraseSupervisor) {
            let line = rng_pick_str(rng, &HEAD_EVASIONS)
                .replace("{dept}", to.dept.name())
                .replace("{name}", &to.name);
            push_turn(&mut out, rng, &to.name, &line);
            charged.push((RULE_PHRASE, last.to));
        } else if *method == "电话" && to.role == Role::DeptSupervisor {
            let line = format!(
                "您好，我是{}主管{}，这件事由我负责，{}",
                to.dept.name(),
                to.name,
                ["我今天就安排人员处理。", "处理好后我给您回电话。"][rng.index(2)]
            );
            push_turn(&mut out, rng, &to.name, &line);
        }
    }
    if case.plants.contains(&Plant::PhraseAllowed) {
        let saying = rng_pick_str(rng, &ALLOWED_SAYINGS);
        push_turn(&mut out, rng, staff, saying);
    }
    if case.channel != LETTER {
        let closing = rng_pick_str(rng, &CUSTOMER_CLOSINGS);
        push_turn(&mut out, rng, customer, closing);
        let closing = rng_pick_str(rng, &STAFF_CLOSINGS);
        push_turn(&mut out, rng, staff, closing);
    }
    (out, charged)
}

fn rng_pick_str(rng: &mut Rng, items: &[&'static str]) -> &'static str {
    items[rng.index(items.len())]
}

impl Employee {
    /// How a colleague names this person's post in speech.
    fn role_title_for_speech(&self) -> String {
        match self.role {
            Role::DeptSupervisor => format!("{}主管", self.dept.name()),
            other => other.title().to_string(),
        }
    }
}

// ---------------------------------------------------------------------------
// RECORD-* plants: blank required fields after the fact.

fn blank_value(rng: &mut Rng) -> String {
    match rng.below(10) {
        0..=5 => String::new(),
        6 | 7 => " ".to_string(),
        8 => "  ".to_string(),
        _ => "\u{3000}".to_string(),
    }
}

/// RECORD-CASE: blank one or more of channel, content, customer name. A phone case
/// planted here loses its channel (the required-field rule for phone cases then no
/// longer applies, the general one does).
fn plant_record_case(case: &mut Case, rng: &mut Rng) {
    let [channel, content, name] = if case.channel == PHONE {
        [true, rng.percent(15), rng.percent(15)]
    } else {
        match rng.weighted(&[25, 30, 30, 10, 5]) {
            0 => [true, false, false],
            1 => [false, true, false],
            2 => [false, false, true],
            3 => [false, true, true],
            _ => [true, true, true],
        }
    };
    if channel {
        case.channel = blank_value(rng);
    }
    if content {
        case.content = blank_value(rng);
    }
    if name {
        case.customer_name = blank_value(rng);
    }
}

/// RECORD-PHONE: blank one or more of customer name, phone, content.
fn plant_record_phone(case: &mut Case, rng: &mut Rng) {
    let [name, phone, content] = match rng.weighted(&[40, 35, 15, 10]) {
        0 => [true, false, false],
        1 => [false, true, false],
        2 => [false, false, true],
        _ => [true, true, false],
    };
    if name {
        case.customer_name = blank_value(rng);
    }
    if phone {
        case.customer_phone = blank_value(rng);
    }
    if content {
        case.content = blank_value(rng);
    }
}

fn apply_record_plants(case: &mut Case, rng: &mut Rng) {
    let plants = case.plants.clone();
    for plant in plants {
        match plant {
            Plant::RecordCase => plant_record_case(case, rng),
            Plant::RecordPhone => plant_record_phone(case, rng),
            _ => {}
        }
    }
    // Trap: visitors often leave no phone number, and no rule requires one for
    // non-phone cases; units are not required either.
    if case.channel != PHONE && !case.plants.contains(&Plant::RecordCase) && rng.percent(3) {
        case.customer_phone.clear();
    }
    if rng.percent(2) {
        case.unit.clear();
    }
}

// ---------------------------------------------------------------------------
// Working days and complaint follow-ups (FOLLOWUP-3WD, FOLLOWUP-SATISFACTION).

/// Whether day `day` (0 = 2026-10-01, a Thursday) is a working day under the 2026
/// schedule: Monday to Friday, plus the make-up days 2026-09-20 and 2026-10-10, minus
/// the holidays 2026-09-25…27 and 2026-10-01…07.
fn is_working_day(day: i64) -> bool {
    match day {
        -11 | 9 => true,
        -6..=-4 | 0..=6 => false,
        _ => (day + 3).rem_euclid(7) < 5,
    }
}

/// The `k`-th working day after `day`.
fn working_day_after(mut day: i64, k: usize) -> i64 {
    let mut n = 0;
    while n < k {
        day += 1;
        if is_working_day(day) {
            n += 1;
        }
    }
    day
}

/// Where a working-day clock starting at `t` starts: `t`'s day and time of day, or
/// 00:00 of the next working day when `t` falls on a non-working day.
fn working_start(t: i64) -> (i64, i64) {
    let day = t.div_euclid(DAY);
    if is_working_day(day) {
        (day, t.rem_euclid(DAY))
    } else {
        (working_day_after(day, 1), 0)
    }
}

/// FOLLOWUP-3WD: a complaint is followed up by the same time of day on the 3rd working
/// day after its resolution. A follow-up exactly at that time is on time.
fn followup_due(resolved: i64) -> i64 {
    let (day, time) = working_start(resolved);
    working_day_after(day, 3) * DAY + time
}

/// Plants on the follow-ups of finished cases: late, missing, exactly at due, one
/// second late, and follow-ups without satisfaction.
fn plant_followups(cases: &mut [Case], roster: &Roster, rng: &mut Rng) {
    let n = cases.len();
    let small = handful(n);
    let max_received = cases.iter().map(|c| c.received).max().unwrap_or(0);
    let last_day = MONTH_DAYS - 1;
    let unplanted = |c: &Case| !c.plants.iter().any(|p| p.is_followup());
    let complaint = |c: &Case| c.category == "投诉" && c.resolved.is_some() && unplanted(c);
    let resolved = |c: &Case| c.resolved.unwrap_or(0);
    // Resolved on a working day, not at 00:00:00: the due time is the same whichever
    // way "3 working days" is read, so the boundary plants test only the boundary.
    let plain_start = |c: &Case| {
        let r = resolved(c);
        is_working_day(r.div_euclid(DAY)) && r.rem_euclid(DAY) != 0
    };
    let late = per_mille(n, 5);
    plant_some(
        cases,
        rng,
        late.saturating_sub(small),
        |c| complaint(c) && working_day_after(working_start(resolved(c)).0, 4) <= last_day,
        |c, rng| {
            let start = working_start(resolved(c)).0;
            let last = (4..=10)
                .take_while(|&k| working_day_after(start, k) <= last_day)
                .last()
                .unwrap_or(4);
            Plant::FollowupLate(rng.range(4, last as i64))
        },
    );
    plant_some(
        cases,
        rng,
        small,
        |c| complaint(c) && plain_start(c) && followup_due(resolved(c)) < MONTH_END,
        |_, _| Plant::FollowupJustLate,
    );
    // AS_OF is at least the latest receipt, so these are past due.
    plant_some(
        cases,
        rng,
        per_mille(n, 5),
        |c| complaint(c) && followup_due(resolved(c)) < max_received,
        |_, _| Plant::FollowupMissing,
    );
    plant_some(
        cases,
        rng,
        small,
        |c| complaint(c) && plain_start(c) && followup_due(resolved(c)) <= MONTH_END,
        |_, _| Plant::FollowupAtDue,
    );
    for case in cases.iter_mut() {
        apply_followup_plants(case, roster, rng);
    }
    plant_some(
        cases,
        rng,
        per_mille(n, 5),
        |c| c.category == "投诉" && c.followup.is_some() && unplanted(c),
        |_, rng| Plant::NoSatisfaction {
            blank_by: rng.percent(25),
        },
    );
    plant_some(
        cases,
        rng,
        small,
        |c| c.category != "投诉" && c.followup.is_some() && unplanted(c),
        |_, _| Plant::NoSatisfactionElsewhere,
    );
    for case in cases.iter_mut() {
        apply_satisfaction_plants(case, rng);
    }
}

fn apply_followup_plants(case: &mut Case, roster: &Roster, rng: &mut Rng) {
    let Some(resolved) = case.resolved else {
        return;
    };
    let due = followup_due(resolved);
    let center = &roster.centers[case.center];
    for plant in case.plants.clone() {
        let at = match plant {
            Plant::FollowupLate(k) => {
                let day = working_day_after(working_start(resolved).0, k as usize);
                Some(day * DAY + rng.range(8 * HOUR, 18 * HOUR))
            }
            Plant::FollowupJustLate => Some(due + 1),
            Plant::FollowupAtDue => Some(due),
            Plant::FollowupMissing => {
                case.followup = None;
                case.followup_by = None;
                case.satisfaction = "";
                None
            }
            _ => None,
        };
        if let Some(at) = at {
            case.followup = Some(at);
            if case.followup_by.is_none() {
                case.followup_by = Some(followup_clerk(center, rng));
            }
            if case.satisfaction.is_empty() {
                case.satisfaction = satisfaction(rng);
            }
        }
    }
}

fn apply_satisfaction_plants(case: &mut Case, rng: &mut Rng) {
    for plant in case.plants.clone() {
        match plant {
            Plant::NoSatisfaction { blank_by } => {
                case.satisfaction = ["", " ", "\u{3000}"][rng.weighted(&[70, 20, 10])];
                if blank_by {
                    case.followup_by = None;
                }
                let who = case.followup_by.unwrap_or(case.responder);
                case.charged.push((RULE_SATISFACTION, who));
            }
            Plant::NoSatisfactionElsewhere => case.satisfaction = "",
            _ => {}
        }
    }
}

// ---------------------------------------------------------------------------
// AS_OF, waivers, inspections.

fn compute_as_of(cases: &[Case], handoffs: &[Handoff]) -> Option<i64> {
    let case_times = cases.iter().flat_map(|c| {
        [Some(c.received), c.first_response, c.resolved, c.followup]
            .into_iter()
            .flatten()
    });
    case_times.chain(handoffs.iter().map(|h| h.at)).max()
}

fn make_waivers(cases: &[Case], rng: &mut Rng) -> Vec<Waiver> {
    let mut late: Vec<usize> = (0..cases.len())
        .filter(|&i| {
            cases[i]
                .plants
                .iter()
                .any(|p| p.rule_id() == Some(RULE_RESP))
        })
        .collect();
    let count = (late.len() + 5) / 10;
    rng.shuffle(&mut late);
    let mut chosen: Vec<usize> = late.into_iter().take(count).collect();
    chosen.sort_unstable();
    let mut waivers: Vec<Waiver> = chosen
        .into_iter()
        .map(|case| {
            let reason = if cases[case].first_response.is_some() {
                *rng.pick(&[
                    "业主要求次日联系",
                    "业主外出，约定返回后再联系",
                    "台风停电，经管理部经理批准延后回复",
                    "系统故障导致登记延迟，已补录",
                ])
            } else {
                *rng.pick(&["业主要求暂缓处理，待其通知", "业主已撤回诉求，不再要求回复"])
            };
            Waiver {
                case,
                rule: RULE_RESP,
                reason,
            }
        })
        .collect();
    // One planted violation each of two other rules, when planted.
    let others = [
        (RULE_FOLLOWUP, "业主出差在外，约定返回后再回访"),
        (RULE_VISITS, "业主分次补交办理材料，往返非服务原因所致"),
    ];
    for (rule, reason) in others {
        let pool: Vec<usize> = (0..cases.len())
            .filter(|&i| cases[i].plants.iter().any(|p| p.rule_id() == Some(rule)))
            .collect();
        if !pool.is_empty() {
            let case = *rng.pick(&pool);
            waivers.push(Waiver { case, rule, reason });
        }
    }
    waivers.sort_by_key(|w| (w.case, w.rule));
    waivers
}

/// Spot-check findings of INSPECT-FINDINGS: what an inspector may write down.
const FINDINGS: [&str; 6] = ["不理睬", "不关心", "打官腔", "斜视", "傲慢", "推诿"];

/// The inspector's note for a failed check, by its first finding.
const FINDING_NOTES: [&str; 6] = [
    "业主询问时未予回应",
    "对业主诉求漠不关心",
    "答复敷衍，照本宣科",
    "接待时斜视业主",
    "语气生硬，态度傲慢",
    "以非本部门职责为由推诿",
];

fn make_inspections(roster: &Roster, rng: &mut Rng) -> Vec<Inspection> {
    let mut out = Vec::new();
    for (employee, person) in roster.people.iter().enumerate() {
        let count = rng.weighted(&[25, 50, 25]) + 1;
        for _ in 0..count {
            let day = rng.range(0, MONTH_DAYS - 1);
            let hour = if person.role == Role::Guard && rng.percent(20) {
                rng.range(0, 23)
            } else {
                rng.range(8, 19)
            };
            let desk = matches!(person.role, Role::Staff | Role::CrSupervisor);
            let method = if rng.percent(if desk { 50 } else { 15 }) {
                "电话抽查"
            } else {
                "现场暗访"
            };
            let note = if method == "电话抽查" {
                *rng.pick(&["接听及时，用语规范", "抽查合格", "首问登记完整"])
            } else {
                *rng.pick(&["抽查合格", "仪容仪表规范，主动问候", "主动引导，服务热情"])
            };
            out.push(Inspection {
                at: day * DAY + hour * HOUR + rng.range(0, HOUR - 1),
                employee,
                method,
                findings: String::new(),
                note,
            });
        }
    }
    out.sort_by_key(|i| (i.at, i.employee));
    // A tenth of the checks found one or two faults (斜视 only on site).
    let mut failed: Vec<usize> = (0..out.len()).collect();
    rng.shuffle(&mut failed);
    failed.truncate(percent_of(out.len(), 10));
    failed.sort_unstable();
    for k in failed {
        let ins = &mut out[k];
        let mut picked: Vec<usize> = Vec::new();
        let wanted = 1 + rng.weighted(&[70, 30]);
        while picked.len() < wanted {
            let f = rng.index(FINDINGS.len());
            if !picked.contains(&f) && (ins.method == "现场暗访" || FINDINGS[f] != "斜视") {
                picked.push(f);
            }
        }
        let sep = [";", "；", "、"][rng.weighted(&[60, 25, 15])];
        let words: Vec<&str> = picked.iter().map(|&f| FINDINGS[f]).collect();
        ins.findings = words.join(sep);
        ins.note = FINDING_NOTES[picked[0]];
    }
    out
}

fn inspection_id(k: usize) -> String {
    format!("JC-2026-10-{:04}", k + 1)
}

// ---------------------------------------------------------------------------
// Expected violations.

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
struct Expected {
    case_id: String,
    rule_id: &'static str,
    employee_id: String,
}

fn blank(s: &str) -> bool {
    s.trim().is_empty()
}

/// PHRASE-BANNED's normalisation: full-width ASCII to half-width, lower case,
/// traditional to simplified (the traditional forms the transcripts use in banned
/// phrases); whitespace and punctuation dropped.
fn fold_char(c: char) -> Option<char> {
    if ('\u{4E00}'..='\u{9FFF}').contains(&c) {
        return Some(match c {
            '歸' => '归',
            '這' => '这',
            '個' => '个',
            '別' => '别',
            '沒' => '没',
            '辦' => '办',
            '們' => '们',
            '說' => '说',
            _ => c,
        });
    }
    let c = match c {
        '\u{FF01}'..='\u{FF5E}' => char::from_u32(c as u32 - 0xFEE0).unwrap_or(c),
        _ => c,
    };
    c.is_alphanumeric().then_some(c.to_ascii_lowercase())
}

/// The generator's own reading of PHRASE-BANNED, for its self-check: staff turns
/// (`说话人：内容`, customers labelled 业主 / 来电人), leftmost-longest phrase matches
/// after normalisation, not inside an allowed context.
struct PhraseCheck {
    phrases: Vec<Vec<char>>,
    allowed: Vec<Vec<char>>,
}

impl PhraseCheck {
    fn new() -> Self {
        let fold = |s: &&str| s.chars().filter_map(fold_char).collect();
        debug_assert!(BANNED.iter().all(|p| p.starts_with(['不', '没', '办'])));
        PhraseCheck {
            phrases: BANNED.iter().map(fold).collect(),
            allowed: ALLOWED_CONTEXTS.iter().map(fold).collect(),
        }
    }

    /// The labels of the staff turns of `reply` that say a banned phrase.
    fn offenders<'a>(&self, reply: &'a str) -> BTreeSet<&'a str> {
        let mut out = BTreeSet::new();
        let mut label = "";
        let mut norm = Vec::new();
        for line in reply.lines() {
            let text = match line.find(['：', ':']) {
                Some(at) => {
                    label = line[..at].trim();
                    &line[at..]
                }
                None => line,
            };
            if CUSTOMER_LABELS.contains(&label) {
                continue;
            }
            norm.clear();
            norm.extend(text.chars().filter_map(fold_char));
            if self.says_banned(&norm) {
                out.insert(label);
            }
        }
        out
    }

    fn says_banned(&self, norm: &[char]) -> bool {
        let mut i = 0;
        while i < norm.len() {
            // Every phrase starts with 不, 没 or 办.
            if !matches!(norm[i], '不' | '没' | '办') {
                i += 1;
                continue;
            }
            let mut longest = 0;
            for p in &self.phrases {
                if p.len() > longest && norm[i..].starts_with(p) {
                    longest = p.len();
                }
            }
            match longest {
                0 => i += 1,
                len if !self.is_allowed(norm, i, i + len) => return true,
                len => i += len,
            }
        }
        false
    }

    /// Whether an allowed context covers `norm[start..end]`.
    fn is_allowed(&self, norm: &[char], start: usize, end: usize) -> bool {
        self.allowed.iter().any(|a| {
            (end.saturating_sub(a.len())..=start)
                .any(|p| norm.get(p..p + a.len()).is_some_and(|w| w == a.as_slice()))
        })
    }
}

/// Who a banned phrase under `label` is charged to: the employee of that name (in the
/// case's center if several), else the one employee of the case's center whose name
/// the label contains, else the first responder.
fn phrase_speaker(case: &Case, label: &str, roster: &Roster) -> usize {
    let people = &roster.people;
    let named: Vec<usize> = (0..people.len())
        .filter(|&p| people[p].name == label)
        .collect();
    if let [one] = named.as_slice() {
        return *one;
    }
    let here: Vec<usize> = if named.is_empty() {
        (0..people.len())
            .filter(|&p| people[p].center == case.center && label.contains(people[p].name.as_str()))
            .collect()
    } else {
        named
            .into_iter()
            .filter(|&p| people[p].center == case.center)
            .collect()
    };
    match here.as_slice() {
        [one] => *one,
        _ => case.responder,
    }
}

/// At most this many handoffs per case (ESC-MAX).
const MAX_HANDOFFS: usize = 3;

/// Whether the regulation's path lets `from` hand a case to `to`.
fn may_hand_to(roster: &Roster, from: usize, to: usize) -> bool {
    let (a, b) = (&roster.people[from], &roster.people[to]);
    if from == to {
        return false;
    }
    match a.role {
        Role::Guard | Role::Cleaner | Role::Repairer => a.supervisor == Some(to),
        Role::GuardLead | Role::CleanLead | Role::Staff => {
            matches!(b.role, Role::DeptSupervisor | Role::CrSupervisor)
        }
        Role::CrSupervisor => matches!(b.role, Role::DeptSupervisor | Role::Manager),
        Role::DeptSupervisor => {
            matches!(b.role, Role::DeptSupervisor | Role::CrSupervisor)
                || (a.dept == b.dept && a.center == b.center)
        }
        Role::Manager => matches!(
            b.role,
            Role::Manager | Role::CrSupervisor | Role::DeptSupervisor
        ),
    }
}

/// Whether `boss` is `employee`'s supervisor, or theirs, and so on.
fn reports_to(roster: &Roster, employee: usize, boss: usize) -> bool {
    let mut current = roster.people[employee].supervisor;
    while let Some(s) = current {
        if s == boss {
            return true;
        }
        current = roster.people[s].supervisor;
    }
    false
}

/// The escalation rules (ESC-*) on one case's handoffs, in order: `(rule, sender)`.
fn escalation_findings(case: &Case, hs: &[Handoff], roster: &Roster) -> Vec<(&'static str, usize)> {
    let people = &roster.people;
    let mut out = Vec::new();
    // Steps of the route itself do not count: an operator's to his supervisor, one
    // manager's to another's.
    let route = |h: &&Handoff| {
        let (a, b) = (&people[h.from], &people[h.to]);
        (matches!(a.role, Role::Guard | Role::Cleaner | Role::Repairer)
            && a.supervisor == Some(h.to))
            || (a.role == Role::Manager && b.role == Role::Manager)
    };
    if let Some(h) = hs.iter().filter(|h| !route(h)).nth(MAX_HANDOFFS) {
        out.push((RULE_ESC_MAX, h.from));
    }
    let mut received: Vec<(usize, Dept)> = Vec::new();
    let mut sent: Vec<usize> = Vec::new();
    let mut returned: Vec<(usize, Dept)> = Vec::new();
    // Who first sent the case to which department (coordinators aside).
    let mut first_sent: Vec<(usize, (usize, Dept))> = Vec::new();
    let mut split = false;
    for (k, h) in hs.iter().enumerate() {
        let (a, b) = (&people[h.from], &people[h.to]);
        if !may_hand_to(roster, h.from, h.to) {
            out.push((RULE_ESC_PATH, h.from));
        } else if b.role == Role::DeptSupervisor
            && !matches!(a.role, Role::CrSupervisor | Role::Manager)
        {
            // Splitting the case between two departments while the first holds it.
            let to = (b.center, b.dept);
            let holds = k == 0 || hs[k - 1].to == h.from;
            match first_sent.iter().find(|(who, _)| *who == h.from) {
                Some((_, first)) if *first != to && !holds => {
                    out.push((RULE_ESC_PATH, h.from));
                    split = true;
                }
                Some(_) => {}
                None => first_sent.push((h.from, to)),
            }
        }
        let via_manager = a.role == Role::Manager
            || (b.role == Role::Manager && reports_to(roster, h.from, h.to));
        if a.center != b.center && !via_manager {
            out.push((RULE_ESC_PATH, h.from));
        }
        let from_dept = (a.center, a.dept);
        let to_dept = (b.center, b.dept);
        let sender_received = received.contains(&from_dept);
        let coordination = b.role == Role::CrSupervisor;
        if !coordination && sender_received && from_dept != to_dept {
            out.push((RULE_ESC_RETRANSFER, h.from));
        }
        if coordination && sender_received {
            // A department hands the case back to a 客户关系主管 once, not twice.
            if returned.contains(&from_dept) {
                out.push((RULE_ESC_PINGPONG, h.from));
            } else {
                returned.push(from_dept);
            }
        } else if sent.contains(&h.to) {
            out.push((RULE_ESC_PINGPONG, h.from));
        }
        if b.role == Role::DeptSupervisor && h.from != h.to && !received.contains(&to_dept) {
            received.push(to_dept);
            if received.len() == 2 && blank(&case.slip) && !split {
                out.push((RULE_ESC_SLIP, h.from));
            }
        }
        sent.push(h.from);
    }
    out
}

/// Every default rule, evaluated on the data as written.
fn evaluate(data: &Dataset) -> Vec<Expected> {
    let people = &data.roster.people;
    let phrases = PhraseCheck::new();
    let mut out = Vec::new();
    let mut next_handoff = 0;
    for (index, case) in data.cases.iter().enumerate() {
        let mut hit = |rule_id, who: usize| {
            out.push(Expected {
                case_id: case.id.clone(),
                rule_id,
                employee_id: people[who].id.clone(),
            })
        };
        let first = case.responder;
        let late = match (case.first_response, data.as_of) {
            (Some(t), _) => t - case.received > RESP_LIMIT,
            (None, Some(as_of)) => as_of - case.received > RESP_LIMIT,
            (None, None) => false,
        };
        if late {
            hit(RULE_RESP, first);
        }
        if case.channel != PHONE {
            if blank(&case.channel) || blank(&case.content) || blank(&case.customer_name) {
                hit(RULE_RECORD_CASE, first);
            }
        } else if blank(&case.customer_name) || blank(&case.customer_phone) || blank(&case.content)
        {
            hit(RULE_RECORD_PHONE, first);
        }
        for label in phrases.offenders(&case.reply) {
            hit(RULE_PHRASE, phrase_speaker(case, label, &data.roster));
        }
        // Handoffs are stored case by case.
        let from = next_handoff;
        while data
            .handoffs
            .get(next_handoff)
            .is_some_and(|h| h.case == index)
        {
            next_handoff += 1;
        }
        for (rule, who) in
            escalation_findings(case, &data.handoffs[from..next_handoff], &data.roster)
        {
            hit(rule, who);
        }
        if let Some(responded) = case.first_response {
            let on_the_spot = case.resolved.is_some_and(|r| r <= responded + HOUR);
            if !on_the_spot && case.promised.is_none() {
                hit(RULE_PROMISE, first);
            }
        }
        if case.contacts > 2 {
            hit(RULE_VISITS, first);
        }
        if case.category == "投诉" {
            if let Some(resolved) = case.resolved {
                let due = followup_due(resolved);
                let late = match (case.followup, data.as_of) {
                    (Some(t), _) => t > due,
                    (None, Some(as_of)) => as_of > due,
                    (None, None) => false,
                };
                if late {
                    hit(RULE_FOLLOWUP, first);
                }
            }
            if case.followup.is_some() && blank(case.satisfaction) {
                hit(RULE_SATISFACTION, case.followup_by.unwrap_or(first));
            }
        }
    }
    for (k, ins) in data.inspections.iter().enumerate() {
        let faults = ins
            .findings
            .split([';', '；', '、'])
            .filter(|f| FINDINGS.contains(&f.trim()))
            .count();
        if faults > 0 {
            out.push(Expected {
                case_id: inspection_id(k),
                rule_id: RULE_INSPECT,
                employee_id: people[ins.employee].id.clone(),
            });
        }
    }
    out.sort();
    out.dedup();
    out
}

/// The violations the plants were meant to cause.
fn intended(data: &Dataset) -> Vec<Expected> {
    let people = &data.roster.people;
    let mut out = Vec::new();
    for case in &data.cases {
        let by_responder = case
            .plants
            .iter()
            .filter_map(|p| p.rule_id())
            .map(|rule| (rule, case.responder));
        for (rule_id, who) in by_responder.chain(case.charged.iter().copied()) {
            out.push(Expected {
                case_id: case.id.clone(),
                rule_id,
                employee_id: people[who].id.clone(),
            });
        }
    }
    for (k, ins) in data.inspections.iter().enumerate() {
        if !ins.findings.is_empty() {
            out.push(Expected {
                case_id: inspection_id(k),
                rule_id: RULE_INSPECT,
                employee_id: people[ins.employee].id.clone(),
            });
        }
    }
    out.sort();
    out.dedup();
    out
}

// ---------------------------------------------------------------------------
// Writing.

fn csv_writer(path: &Path) -> io::Result<csv::Writer<fs::File>> {
    Ok(csv::WriterBuilder::new()
        .terminator(csv::Terminator::Any(b'\n'))
        .from_path(path)?)
}

fn opt_ts(t: Option<i64>) -> String {
    t.map(fmt_ts).unwrap_or_default()
}

fn write_roster(data: &Dataset, path: &Path) -> io::Result<()> {
    let mut w = csv_writer(path)?;
    w.write_record([
        "employee_id",
        "name",
        "role",
        "department",
        "center",
        "supervisor_id",
        "base_pay",
    ])?;
    for p in &data.roster.people {
        let supervisor = p
            .supervisor
            .map(|s| data.roster.people[s].id.as_str())
            .unwrap_or("");
        w.write_record([
            p.id.as_str(),
            &p.name,
            p.role.title(),
            p.dept.name(),
            CENTERS[p.center].name,
            supervisor,
            &p.base_pay.to_string(),
        ])?;
    }
    w.flush()
}

fn write_cases(data: &Dataset, path: &Path) -> io::Result<()> {
    let mut w = csv_writer(path)?;
    w.write_record([
        "case_id",
        "center",
        "received_at",
        "channel",
        "category",
        "customer_name",
        "customer_phone",
        "unit",
        "content",
        "first_responder_id",
        "first_responder",
        "first_response_at",
        "reply",
        "promised_at",
        "resolved_at",
        "resolution",
        "contacts",
        "followup_at",
        "followup_by",
        "satisfaction",
        "coordination_slip",
    ])?;
    let people = &data.roster.people;
    for c in &data.cases {
        let responder = &people[c.responder];
        let followup_by = c.followup_by.map(|e| people[e].id.as_str()).unwrap_or("");
        w.write_record([
            c.id.as_str(),
            CENTERS[c.center].name,
            &fmt_ts(c.received),
            &c.channel,
            c.category,
            &c.customer_name,
            &c.customer_phone,
            &c.unit,
            &c.content,
            &responder.id,
            &responder.name,
            &opt_ts(c.first_response),
            &c.reply,
            &opt_ts(c.promised),
            &opt_ts(c.resolved),
            &c.resolution,
            &c.contacts.to_string(),
            &opt_ts(c.followup),
            followup_by,
            c.satisfaction,
            &c.slip,
        ])?;
    }
    w.flush()
}

fn write_handoffs(data: &Dataset, path: &Path) -> io::Result<()> {
    let mut w = csv_writer(path)?;
    w.write_record([
        "case_id",
        "seq",
        "at",
        "from_id",
        "to_id",
        "to_department",
        "method",
        "note",
    ])?;
    let people = &data.roster.people;
    for h in &data.handoffs {
        w.write_record([
            data.cases[h.case].id.as_str(),
            &h.seq.to_string(),
            &fmt_ts(h.at),
            &people[h.from].id,
            &people[h.to].id,
            people[h.to].dept.name(),
            h.method,
            &h.note,
        ])?;
    }
    w.flush()
}

fn write_inspections(data: &Dataset, path: &Path) -> io::Result<()> {
    let mut w = csv_writer(path)?;
    w.write_record([
        "inspection_id",
        "at",
        "center",
        "employee_id",
        "method",
        "findings",
        "note",
    ])?;
    for (k, ins) in data.inspections.iter().enumerate() {
        let person = &data.roster.people[ins.employee];
        w.write_record([
            inspection_id(k).as_str(),
            &fmt_ts(ins.at),
            CENTERS[person.center].name,
            &person.id,
            ins.method,
            &ins.findings,
            ins.note,
        ])?;
    }
    w.flush()
}

/// Each waiver approved by the center's 管理部经理, or by its 客户关系主管 when the
/// manager is the one charged (no one approves a waiver of his own finding).
fn write_waivers(data: &Dataset, expected: &[Expected], path: &Path) -> io::Result<()> {
    let mut w = csv_writer(path)?;
    w.write_record(["case_id", "rule_id", "reason", "approved_by"])?;
    // (case, rule, employee) of every finding, looked up once per waiver
    let found: BTreeSet<(&str, &str, &str)> = expected
        .iter()
        .map(|e| (e.case_id.as_str(), e.rule_id, e.employee_id.as_str()))
        .collect();
    for waiver in &data.waivers {
        let case = &data.cases[waiver.case];
        let post = &data.roster.centers[case.center];
        let charged = |p: usize| {
            found.contains(&(
                case.id.as_str(),
                waiver.rule,
                data.roster.people[p].id.as_str(),
            ))
        };
        let approver = if charged(post.manager) {
            post.cr
        } else {
            post.manager
        };
        w.write_record([
            case.id.as_str(),
            waiver.rule,
            waiver.reason,
            &data.roster.people[approver].id,
        ])?;
    }
    w.flush()
}

fn write_expected(expected: &[Expected], path: &Path) -> io::Result<()> {
    let mut w = csv_writer(path)?;
    w.write_record(["case_id", "rule_id", "employee_id"])?;
    for e in expected {
        w.write_record([e.case_id.as_str(), e.rule_id, &e.employee_id])?;
    }
    w.flush()
}

/// One line per rule of the README's table, in the order of [`RULES`]: id, what it
/// checks (Chinese / English).
const RULE_SUMMARIES: [(&str, &str, &str); 14] = [
    (
        RULE_RESP,
        "24 小时内首次回应",
        "first response within 24 hours",
    ),
    (
        RULE_RECORD_CASE,
        "来访等登记渠道、内容、姓名",
        "channel, content, name recorded",
    ),
    (
        RULE_RECORD_PHONE,
        "来电登记姓名、电话、内容",
        "phone cases: name, phone, content",
    ),
    (
        RULE_PHRASE,
        "员工不说“不知道”“不归我管”等",
        "no banned phrase in staff turns",
    ),
    (
        RULE_ESC_PATH,
        "转移路径（含跨管理部）",
        "handoff path, cross-center",
    ),
    (
        RULE_ESC_RETRANSFER,
        "责任部门不得再次转移",
        "no re-transfer by a receiving department",
    ),
    (RULE_ESC_PINGPONG, "不得来回推诿", "no A→B→A"),
    (
        RULE_ESC_SLIP,
        "多部门须填协调单",
        "coordination slip for several departments",
    ),
    (RULE_ESC_MAX, "转交不超过 3 次", "at most 3 handoffs"),
    (
        RULE_PROMISE,
        "非当场解决须承诺时间",
        "promised time when not solved on the spot",
    ),
    (RULE_VISITS, "二次办结", "at most 2 contacts"),
    (
        RULE_FOLLOWUP,
        "投诉办结后 3 个工作日内回访",
        "complaint follow-up within 3 working days",
    ),
    (
        RULE_SATISFACTION,
        "投诉回访记录满意度",
        "complaint follow-up records satisfaction",
    ),
    (RULE_INSPECT, "明察暗访发现的问题", "spot-check findings"),
];

fn write_readme(
    data: &Dataset,
    expected: &[Expected],
    summary: &SampleSummary,
    path: &Path,
) -> io::Result<()> {
    let count = |f: &dyn Fn(&Case) -> bool| data.cases.iter().filter(|c| f(c)).count();
    let planted = |p: Plant| count(&|c| c.plants.contains(&p));
    let boundary_on_time = planted(Plant::RespOnTimeBoundary);
    let boundary_late = planted(Plant::RespLate(RESP_LIMIT + 1));
    let pending = count(&|c| {
        c.first_response.is_none()
            && data
                .as_of
                .is_some_and(|as_of| as_of - c.received <= RESP_LIMIT)
    });
    let followup_pending = count(&|c| {
        c.category == "投诉"
            && c.followup.is_none()
            && matches!((c.resolved, data.as_of), (Some(r), Some(as_of)) if as_of <= followup_due(r))
    });
    let promise_boundary = planted(Plant::PromiseBoundary);
    let promise_just_over = planted(Plant::PromiseMissing { just_over: true });
    let followup_at_due = planted(Plant::FollowupAtDue);
    let followup_just_late = planted(Plant::FollowupJustLate);
    let allowed_sayings = planted(Plant::PhraseAllowed);
    let satisfaction_elsewhere = planted(Plant::NoSatisfactionElsewhere);
    let as_of = if summary.as_of.is_empty() {
        "（无 / none）".to_string()
    } else {
        summary.as_of.clone()
    };

    let mut s = String::new();
    s.push_str("# shouwen 示例数据 / sample dataset\n\n");
    s.push_str(
        "由 `shouwen sample` 生成的合成数据：四个服务中心 2026 年 10 月的《接待业主情况记录》，\
         人名、电话、房号均为虚构。同一组参数总是生成逐字节相同的文件。\n\n",
    );
    s.push_str(
        "Synthetic data generated by `shouwen sample`: one month (2026-10) of reception logs \
         of four service centers; all names, phone numbers and units are fictitious. The same \
         parameters always give byte-identical files.\n\n",
    );
    s.push_str(&format!(
        "- 随机种子 seed: `{}`\n- 案件数 cases: {}\n- 员工数 employees: {}\n- 服务中心 centers: {}\n- 转交记录 handoffs: {}\n- 明察暗访 inspections: {}\n- 截止时间 AS_OF: `{}`\n\n",
        data.seed,
        summary.cases,
        summary.employees,
        summary.centers,
        summary.handoffs,
        data.inspections.len(),
        as_of
    ));
    s.push_str(
        "AS_OF = cases.csv 中 received_at / first_response_at / resolved_at / followup_at 与 \
         handoffs.csv 中 at 的最晚时间（不含 promised_at 与 inspections.csv 的 at）。\n\
         AS_OF is the latest of those timestamps (promised_at and inspection times excluded).\n\n",
    );
    s.push_str("## 文件 / files\n\n| 文件 file | 内容 | content |\n|---|---|---|\n");
    for (file, zh, en) in [
        (
            "cases.csv",
            "接待业主情况记录（含答复记录）",
            "reception cases with transcripts",
        ),
        (
            "handoffs.csv",
            "转交记录，除埋设的违规外均符合首问责任制转移路径",
            "handoffs, along the regulation's path except the planted violations",
        ),
        (
            "roster.csv",
            "员工名册（岗位、部门、直接上级、绩效工资基数）",
            "employee roster (role, department, supervisor, pay base)",
        ),
        (
            "inspections.csv",
            "明察暗访记录，约一成发现问题（findings 以 ; ； 或 、 分隔）",
            "spot checks, about a tenth with findings (separated by ; ； or 、)",
        ),
        (
            "waivers.csv",
            "经管理部经理批准的豁免（经理本人的违规由客户关系主管批准）",
            "waivers approved by the center manager (by the 客户关系主管 for the manager's own findings)",
        ),
        (
            "expected_violations.csv",
            "审计应当发现的全部违规（含已豁免），每个 (case_id, rule_id, employee_id) 一行；\
             明察暗访的 case_id 为 inspection_id",
            "every violation the audit must find (waived ones included), one row per \
             (case_id, rule_id, employee_id); for spot checks case_id is the inspection_id",
        ),
    ] {
        s.push_str(&format!("| `{file}` | {zh} | {en} |\n"));
    }
    s.push_str(
        "\n## 埋设的违规 / planted violations\n\n\
         | rule_id | 检查内容 | checks | 数量 count | 已豁免 waived |\n|---|---|---|---|---|\n",
    );
    for (rule, (id, zh, en)) in RULES.into_iter().zip(RULE_SUMMARIES) {
        debug_assert_eq!(rule, id);
        let n = expected.iter().filter(|e| e.rule_id == rule).count();
        let w = data.waivers.iter().filter(|w| w.rule == rule).count();
        s.push_str(&format!("| {rule} | {zh} | {en} | {n} | {w} |\n"));
    }
    s.push_str(&format!(
        "| 合计 total | | | {} | {} |\n\n",
        expected.len(),
        data.waivers.len()
    ));
    s.push_str(&format!(
        "## 陷阱与边界 / traps and boundaries\n\n\
         - RESP-24H 边界 / boundary: {boundary_on_time} 件首次回应恰为 24:00:00（按时，不违规 / on time）, \
         {boundary_late} 件为 24:00:01（违规 / late）。\n\
         - 待回应 / pending: {pending} 件未回应但距 AS_OF 不足 24 小时，不计违规 / not violations.\n\
         - 业主话语中引用“不归我管”等字样属于陷阱，不是员工违规；{allowed_sayings} 件员工话语含允许的语境\
         （如“不知道您是否方便”“如有不清楚的地方”），不违规 / customer turns quoting banned phrases and \
         staff turns with allowed contexts are not violations.\n\
         - PHRASE-BANNED 记在说话人名下：转交后的部门主管说的记在该主管名下，\
         “客服 李娜”这类标签记在李娜名下 / charged to the speaker, e.g. a handed-off 部门主管, or 李娜 for a label like “客服 李娜”.\n\
         - PROMISE-TIME 边界 / boundary: {promise_boundary} 件当场解决恰在首次回应后 1:00:00（不违规 / not a violation）, \
         {promise_just_over} 件无承诺且 1:00:01 后办结（违规 / violation）。\n\
         - FOLLOWUP-3WD 边界 / boundary: {followup_at_due} 件回访恰在第 3 个工作日同一时刻（按时 / on time）, \
         {followup_just_late} 件晚 1 秒（违规 / late）；{followup_pending} 件投诉尚未回访但未到期（待回访，不违规 / pending）。\
         工作日按 2026 年安排：周一至周五，10 月 1–7 日放假，10 月 10 日（周六）调休上班 / \
         working days: Mon–Fri, holidays 10/1–10/7, make-up day Saturday 10/10.\n\
         - 非投诉案件回访未记满意度 {satisfaction_elsewhere} 件，不违规 / follow-ups of non-complaints without \
         satisfaction are not violations.\n\
         - 来访等非电话案件未留电话、房号为空均不违规 / a missing phone on non-phone cases or a missing unit is not a violation.\n\
         - 空白字段有的为空串，有的只含空格或全角空格 / blanked fields are empty, spaces or an ideographic space.\n"
    ));
    let mut f = fs::File::create(path)?;
    f.write_all(s.as_bytes())?;
    f.flush()
}

// ---------------------------------------------------------------------------

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;
    use std::path::PathBuf;

    fn temp_dir(tag: &str) -> PathBuf {
        let dir = std::env::temp_dir().join(format!(
            "shouwen-sample-test-{}-{}",
            std::process::id(),
            tag
        ));
        let _ = fs::remove_dir_all(&dir);
        dir
    }

    const FILES: [&str; 7] = [
        "cases.csv",
        "handoffs.csv",
        "roster.csv",
        "inspections.csv",
        "waivers.csv",
        "expected_violations.csv",
        "README.md",
    ];

    type Rows = Vec<BTreeMap<String, String>>;

    fn read_csv(path: &Path) -> Rows {
        let mut reader = csv::Reader::from_path(path).unwrap();
        let headers = reader.headers().unwrap().clone();
        reader
            .records()
            .map(|r| {
                let r = r.unwrap();
                headers
                    .iter()
                    .zip(r.iter())
                    .map(|(h, v)| (h.to_string(), v.to_string()))
                    .collect()
            })
            .collect()
    }

    /// Independent timestamp parser: seconds since 1970-01-01 of a local time.
    fn parse_ts(s: &str) -> i64 {
        let (date, time) = s.split_once(' ').expect("date and time");
        let d: Vec<i64> = date.split('-').map(|x| x.parse().unwrap()).collect();
        let t: Vec<i64> = time.split(':').map(|x| x.parse().unwrap()).collect();
        assert_eq!((d.len(), t.len()), (3, 3), "{s}");
        assert_eq!(s.len(), 19, "{s}");
        let (y, m, day) = (d[0], d[1], d[2]);
        let y = if m <= 2 { y - 1 } else { y };
        let era = y.div_euclid(400);
        let yoe = y - era * 400;
        let mp = (m + 9) % 12;
        let doy = (153 * mp + 2) / 5 + day - 1;
        let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
        let days = era * 146_097 + doe - 719_468;
        days * 86_400 + t[0] * 3600 + t[1] * 60 + t[2]
    }

    fn run(cases: usize, seed: u64, tag: &str) -> (PathBuf, SampleSummary) {
        let dir = temp_dir(tag);
        let summary = generate(&SampleOptions { cases, seed }, &dir).unwrap();
        (dir, summary)
    }

    #[test]
    fn deterministic_and_seed_dependent() {
        let (a, sa) = run(1500, 7, "det-a");
        let (b, sb) = run(1500, 7, "det-b");
        let (c, _) = run(1500, 8, "det-c");
        assert_eq!(sa, sb);
        for f in FILES {
            let x = fs::read(a.join(f)).unwrap();
            let y = fs::read(b.join(f)).unwrap();
            assert!(x == y, "{f} differs between identical runs");
            assert!(!x.contains(&b'\r'), "{f} has CR");
            assert!(!x.starts_with(&[0xEF, 0xBB, 0xBF]), "{f} has a BOM");
            assert!(std::str::from_utf8(&x).is_ok(), "{f} is not UTF-8");
        }
        let x = fs::read(a.join("cases.csv")).unwrap();
        let z = fs::read(c.join("cases.csv")).unwrap();
        assert_ne!(x, z);
        let x = fs::read(a.join("roster.csv")).unwrap();
        let z = fs::read(c.join("roster.csv")).unwrap();
        assert_ne!(x, z);
        for d in [a, b, c] {
            let _ = fs::remove_dir_all(d);
        }
    }

    #[test]
    fn roster_is_a_proper_organisation() {
        let (dir, summary) = run(10, 3, "roster");
        let rows = read_csv(&dir.join("roster.csv"));
        assert!(rows.len() >= 60, "{} employees", rows.len());
        assert_eq!(rows.len(), summary.employees);
        let by_id: BTreeMap<&str, &BTreeMap<String, String>> = rows
            .iter()
            .map(|r| (r["employee_id"].as_str(), r))
            .collect();
        assert_eq!(by_id.len(), rows.len(), "duplicate ids");
        let names: BTreeSet<&str> = rows.iter().map(|r| r["name"].as_str()).collect();
        assert_eq!(names.len(), rows.len(), "duplicate names");
        for role in [
            "保安员",
            "保洁员",
            "维修员",
            "保安队长",
            "保洁组长",
            "管理人员",
            "客户关系主管",
            "部门主管",
            "管理部经理",
        ] {
            assert!(rows.iter().any(|r| r["role"] == role), "no {role}");
        }
        for r in &rows {
            let n = r["name"].chars().count();
            assert!((2..=3).contains(&n), "{}", r["name"]);
            let pay: u32 = r["base_pay"].parse().unwrap();
            assert!((1500..=7000).contains(&pay));
            let mut cur = r;
            let mut steps = 0;
            while !cur["supervisor_id"].is_empty() {
                let boss = by_id
                    .get(cur["supervisor_id"].as_str())
                    .unwrap_or_else(|| panic!("unknown supervisor {}", cur["supervisor_id"]));
                assert_eq!(boss["center"], cur["center"]);
                cur = boss;
                steps += 1;
                assert!(steps < 10, "cycle at {}", r["employee_id"]);
            }
            assert_eq!(
                cur["role"], "管理部经理",
                "{} ends elsewhere",
                r["employee_id"]
            );
            if r["role"] == "管理部经理" {
                assert!(r["supervisor_id"].is_empty());
            }
        }
        let _ = fs::remove_dir_all(dir);
    }

    fn is_blank(s: &str) -> bool {
        s.chars().all(char::is_whitespace)
    }

    /// Re-derives the three rules from the CSV files and compares with
    /// expected_violations.csv; also checks the data's other invariants.
    fn recheck(dir: &Path, summary: &SampleSummary) {
        let cases = read_csv(&dir.join("cases.csv"));
        let handoffs = read_csv(&dir.join("handoffs.csv"));
        let roster = read_csv(&dir.join("roster.csv"));
        let expected = read_csv(&dir.join("expected_violations.csv"));
        let waivers = read_csv(&dir.join("waivers.csv"));
        assert_eq!(cases.len(), summary.cases);
        assert_eq!(handoffs.len(), summary.handoffs);
        assert_eq!(expected.len(), summary.planted);

        let month_end = parse_ts("2026-10-31 23:59:59");
        let month_start = parse_ts("2026-10-01 00:00:00");
        let mut as_of = i64::MIN;
        for c in &cases {
            for col in [
                "received_at",
                "first_response_at",
                "resolved_at",
                "followup_at",
            ] {
                if !c[col].is_empty() {
                    let t = parse_ts(&c[col]);
                    assert!(t <= month_end && t >= month_start, "{} {col}", c["case_id"]);
                    as_of = as_of.max(t);
                }
            }
        }
        for h in &handoffs {
            let t = parse_ts(&h["at"]);
            assert!(t <= month_end);
            as_of = as_of.max(t);
        }
        if cases.is_empty() {
            assert_eq!(summary.as_of, "");
        } else {
            assert_eq!(parse_ts(&summary.as_of), as_of);
        }

        let mut found: Vec<(String, String, String)> = Vec::new();
        for c in &cases {
            let id = c["case_id"].clone();
            let who = c["first_responder_id"].clone();
            let received = parse_ts(&c["received_at"]);
            let late = if c["first_response_at"].is_empty() {
                as_of - received > 24 * 3600
            } else {
                parse_ts(&c["first_response_at"]) - received > 24 * 3600
            };
            if late {
                found.push((id.clone(), "RESP-24H".into(), who.clone()));
            }
            let ch = &c["channel"];
            if ch.is_empty() || ch != "电话" {
                if is_blank(ch) || is_blank(&c["content"]) || is_blank(&c["customer_name"]) {
                    found.push((id.clone(), "RECORD-CASE".into(), who.clone()));
                }
            } else if is_blank(&c["customer_name"])
                || is_blank(&c["customer_phone"])
                || is_blank(&c["content"])
            {
                found.push((id.clone(), "RECORD-PHONE".into(), who.clone()));
            }
        }
        found.sort();
        let all: Vec<(String, String, String)> = expected
            .iter()
            .map(|e| {
                (
                    e["case_id"].clone(),
                    e["rule_id"].clone(),
                    e["employee_id"].clone(),
                )
            })
            .collect();
        // The other rules are re-derived by tests/expected_violations.rs.
        let listed: Vec<(String, String, String)> = all
            .iter()
            .filter(|e| [RULE_RESP, RULE_RECORD_CASE, RULE_RECORD_PHONE].contains(&e.1.as_str()))
            .cloned()
            .collect();
        assert_eq!(found, listed);
        let mut sorted = all.clone();
        sorted.sort();
        sorted.dedup();
        assert_eq!(
            sorted, all,
            "expected_violations.csv is not sorted and distinct"
        );

        let managers: BTreeMap<&str, &str> = roster
            .iter()
            .filter(|r| r["role"] == "管理部经理")
            .map(|r| (r["center"].as_str(), r["employee_id"].as_str()))
            .collect();
        let case_center: BTreeMap<&str, &str> = cases
            .iter()
            .map(|c| (c["case_id"].as_str(), c["center"].as_str()))
            .collect();
        let crs: BTreeMap<&str, &str> = roster
            .iter()
            .filter(|r| r["role"] == "客户关系主管")
            .map(|r| (r["center"].as_str(), r["employee_id"].as_str()))
            .collect();
        // Waivers point at listed violations, approved by the center manager, or by the
        // 客户关系主管 when the manager is charged: never by the employee charged.
        for w in &waivers {
            let charged: Vec<&str> = all
                .iter()
                .filter(|e| e.0 == w["case_id"] && e.1 == w["rule_id"])
                .map(|e| e.2.as_str())
                .collect();
            assert!(!charged.is_empty(), "stale waiver {w:?}");
            let center = case_center[w["case_id"].as_str()];
            let want = if charged.contains(&managers[center]) {
                crs[center]
            } else {
                managers[center]
            };
            assert_eq!(want, w["approved_by"]);
            assert!(!charged.contains(&w["approved_by"].as_str()), "{w:?}");
        }

        // Handoffs reference real cases and employees, in order, after receipt.
        let ids: BTreeSet<&str> = roster.iter().map(|r| r["employee_id"].as_str()).collect();
        let received: BTreeMap<&str, i64> = cases
            .iter()
            .map(|c| (c["case_id"].as_str(), parse_ts(&c["received_at"])))
            .collect();
        for h in &handoffs {
            let r = received
                .get(h["case_id"].as_str())
                .unwrap_or_else(|| panic!("handoff of unknown case {}", h["case_id"]));
            assert!(parse_ts(&h["at"]) > *r);
            assert!(ids.contains(h["from_id"].as_str()));
            assert!(ids.contains(h["to_id"].as_str()));
            assert!(["电话", "现场", "陪同"].contains(&h["method"].as_str()));
        }
        for c in &cases {
            assert!(ids.contains(c["first_responder_id"].as_str()));
            if !c["followup_by"].is_empty() {
                assert!(ids.contains(c["followup_by"].as_str()));
            }
        }
    }

    #[test]
    fn planted_violations_match_an_independent_recheck() {
        let (dir, summary) = run(3000, 42, "recheck");
        recheck(&dir, &summary);
        let expected = read_csv(&dir.join("expected_violations.csv"));
        for rule in RULES {
            assert!(
                expected.iter().any(|e| e["rule_id"] == rule),
                "no {rule} planted"
            );
        }
        // Boundaries and pending cases are present.
        let cases = read_csv(&dir.join("cases.csv"));
        let elapsed: Vec<i64> = cases
            .iter()
            .filter(|c| !c["first_response_at"].is_empty())
            .map(|c| parse_ts(&c["first_response_at"]) - parse_ts(&c["received_at"]))
            .collect();
        assert!(elapsed.iter().filter(|&&e| e == 86_400).count() >= 2);
        assert!(elapsed.iter().filter(|&&e| e == 86_401).count() >= 2);
        assert!(elapsed.iter().all(|e| (300..=120 * 3600).contains(e)));
        let as_of = parse_ts(&summary.as_of);
        let pending = cases
            .iter()
            .filter(|c| {
                c["first_response_at"].is_empty() && as_of - parse_ts(&c["received_at"]) <= 86_400
            })
            .count();
        assert!(pending >= 1);
        let waivers = read_csv(&dir.join("waivers.csv"));
        assert!(!waivers.is_empty());
        let _ = fs::remove_dir_all(dir);
    }

    #[test]
    fn small_and_odd_sizes_are_consistent() {
        for (n, seed) in [(0, 1), (1, 2), (2, 3), (7, 4), (25, 5), (120, 6), (640, 9)] {
            let (dir, summary) = run(n, seed, &format!("small-{n}"));
            recheck(&dir, &summary);
            let _ = fs::remove_dir_all(dir);
        }
        for seed in 100..106 {
            let data = build(&SampleOptions { cases: 2000, seed });
            assert_eq!(evaluate(&data), intended(&data), "seed {seed}");
        }
    }

    /// A banned phrase, also when spaces or punctuation separate its characters or
    /// inside an allowed context; traditional characters folded.
    fn says_banned(text: &str) -> bool {
        let squeezed: String = text.chars().filter_map(fold_char).collect();
        BANNED.iter().any(|p| squeezed.contains(p))
    }

    #[test]
    fn staff_say_banned_phrases_only_where_planted() {
        let data = build(&SampleOptions {
            cases: 3000,
            seed: 11,
        });
        let check = PhraseCheck::new();
        let people = &data.roster.people;
        let (mut customer_quotes, mut allowed, mut turns) = (0, 0, 0);
        let mut by_head = 0;
        let mut desk_labels = 0;
        for c in &data.cases {
            let offenders = check.offenders(&c.reply);
            let planted = c.plants.contains(&Plant::PhraseResponder)
                || c.plants.contains(&Plant::PhraseSupervisor);
            assert_eq!(!offenders.is_empty(), planted, "{}: {}", c.id, c.reply);
            for label in offenders {
                let who = phrase_speaker(c, label, &data.roster);
                if who != c.responder {
                    assert_eq!(people[who].role, Role::DeptSupervisor);
                    by_head += 1;
                } else if label != people[who].name {
                    desk_labels += 1;
                }
            }
            for line in c.reply.lines() {
                let cut = line
                    .char_indices()
                    .find(|&(_, ch)| ch == '：' || ch == ':')
                    .expect("speaker label");
                let speaker = &line[..cut.0];
                let text = &line[cut.0 + cut.1.len_utf8()..];
                turns += 1;
                if CUSTOMER_LABELS.contains(&speaker) {
                    customer_quotes += usize::from(says_banned(text));
                } else if says_banned(text) && check.offenders(line).is_empty() {
                    allowed += 1;
                }
            }
            assert!(!says_banned(&c.resolution), "{}", c.resolution);
        }
        assert!(turns > 10_000);
        assert!(customer_quotes > 0, "no customer-quote traps");
        assert!(allowed > 0, "no allowed-context traps");
        assert!(by_head > 0, "no banned phrase by a handed-off 部门主管");
        assert!(desk_labels > 0, "no label like 客服 李娜");
        for h in &data.handoffs {
            assert!(!says_banned(&h.note), "{}", h.note);
        }
        for m in matters() {
            assert!(!says_banned(m.answer), "{}", m.answer);
            assert!(!says_banned(m.resolution), "{}", m.resolution);
        }
        for saying in ALLOWED_SAYINGS {
            assert!(says_banned(saying) && !check.says_banned(&fold(saying)));
        }
        for evasion in EVASIONS.iter().chain(&HEAD_EVASIONS) {
            assert!(check.says_banned(&fold(evasion)), "{evasion}");
        }
    }

    fn fold(text: &str) -> Vec<char> {
        text.chars().filter_map(fold_char).collect()
    }

    #[test]
    fn working_day_clock() {
        // 2026-10-09 (Fri) 10:00 → 10-10 (make-up Saturday), 10-12, 10-13 10:00.
        assert_eq!(followup_due(8 * DAY + 10 * HOUR), 12 * DAY + 10 * HOUR);
        // 2026-10-04 (holiday) 15:00 → from 10-08 00:00: 10-09, 10-10, 10-12 00:00.
        assert_eq!(followup_due(3 * DAY + 15 * HOUR), 11 * DAY);
        // 2026-10-28 (Wed) 09:00 → 10-29, 10-30, 11-02 09:00.
        assert_eq!(followup_due(27 * DAY + 9 * HOUR), 32 * DAY + 9 * HOUR);
        // 2026-10-31 (Sat) 23:00 → from 11-02 00:00: 11-03, 11-04, 11-05 00:00.
        assert_eq!(followup_due(30 * DAY + 23 * HOUR), 35 * DAY);
        let working: Vec<i64> = (0..14).filter(|&d| is_working_day(d)).collect();
        assert_eq!(working, vec![7, 8, 9, 11, 12, 13]);
        assert!(!is_working_day(-5) && is_working_day(-11) && is_working_day(-7));
    }

    #[test]
    fn content_looks_realistic() {
        let (dir, _) = run(2000, 5, "content");
        let cases = read_csv(&dir.join("cases.csv"));
        let roster = read_csv(&dir.join("roster.csv"));
        let name_of: BTreeMap<&str, &str> = roster
            .iter()
            .map(|r| (r["employee_id"].as_str(), r["name"].as_str()))
            .collect();
        let center_of: BTreeMap<&str, &str> = roster
            .iter()
            .map(|r| (r["employee_id"].as_str(), r["center"].as_str()))
            .collect();
        for (i, c) in cases.iter().enumerate() {
            assert_eq!(c["case_id"], format!("C{:06}", i + 1));
            assert_eq!(
                name_of[c["first_responder_id"].as_str()],
                c["first_responder"]
            );
            assert_eq!(center_of[c["first_responder_id"].as_str()], c["center"]);
            let phone = &c["customer_phone"];
            if !is_blank(phone) {
                assert_eq!(phone.len(), 11);
                assert!(phone.starts_with('1'));
                assert!((b'3'..=b'9').contains(&phone.as_bytes()[1]));
                assert!(phone.bytes().all(|b| b.is_ascii_digit()));
            }
            let contacts: u32 = c["contacts"].parse().unwrap();
            assert!((1..=5).contains(&contacts));
            if !c["followup_at"].is_empty() && !is_blank(&c["satisfaction"]) {
                assert!(!c["followup_by"].is_empty());
            }
            if c["followup_at"].is_empty() {
                assert!(c["followup_by"].is_empty() && c["satisfaction"].is_empty());
            }
            if !c["resolved_at"].is_empty() {
                assert!(c["resolved_at"] >= c["first_response_at"]);
            }
        }
        let complaints: Vec<_> = cases.iter().filter(|c| c["category"] == "投诉").collect();
        let followed = complaints
            .iter()
            .filter(|c| !c["followup_at"].is_empty())
            .count();
        assert!(followed * 10 > complaints.len() * 8, "{followed}");
        let handoffs = read_csv(&dir.join("handoffs.csv"));
        let handed: BTreeSet<&str> = handoffs.iter().map(|h| h["case_id"].as_str()).collect();
        let share = handed.len() * 100 / cases.len();
        assert!((10..=20).contains(&share), "{share}% of cases handed off");
        let _ = fs::remove_dir_all(dir);
    }
}
