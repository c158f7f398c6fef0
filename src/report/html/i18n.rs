//! The report's two languages: Chinese with English sub-labels (for the
//! county government), or English alone.

use crate::report::county::{Action, Provenance};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, clap::ValueEnum)]
pub enum Lang {
    #[default]
    Zh,
    En,
}

impl Lang {
    /// The text in this language.
    pub fn t<'a>(self, zh: &'a str, en: &'a str) -> &'a str {
        match self {
            Lang::Zh => zh,
            Lang::En => en,
        }
    }

    /// A label as HTML: Chinese with the English below it, or English alone.
    pub fn label(self, zh: &str, en: &str) -> String {
        match self {
            Lang::Zh => format!("{}<span class=\"en\">{}</span>", esc(zh), esc(en)),
            Lang::En => esc(en),
        }
    }

    /// A label for SVG text, which has no line breaks: 中文 (English) or English.
    pub fn inline(self, zh: &str, en: &str) -> String {
        match self {
            Lang::Zh => format!("{zh} {en}"),
            Lang::En => en.to_string(),
        }
    }

    pub fn code(self) -> &'static str {
        self.t("zh-CN", "en")
    }
}

/// Escape text for HTML and SVG.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// (Chinese, English) name of a county.csv / demand.csv metric.
pub fn metric(key: &str) -> (&'static str, &'static str) {
    match key {
        "residents" => ("常住人口", "Residents"),
        "aged60" => ("60岁及以上", "Aged 60+"),
        "aged65" => ("65岁及以上", "Aged 65+"),
        "aged80" => ("80岁及以上", "Aged 80+"),
        "disabled_elderly" => ("失能老年人", "Disabled elderly"),
        "tekun" => ("特困人员", "特困 persons (extreme poverty)"),
        "tekun_disabled" => ("失能特困人员", "Disabled 特困 persons"),
        "deaths" => ("年死亡人数", "Deaths per year"),
        "bed_demand" => ("养老床位需求", "Bed demand"),
        _ => ("", ""),
    }
}

/// (Chinese, English) of a facility type key.
pub fn facility(key: &str) -> (&'static str, &'static str) {
    match key {
        "elderly_centre" => ("镇街养老服务中心", "Town elderly-care centre"),
        "care_institution" => ("养老机构", "Care institution"),
        "community_station" => ("村(社区)养老服务站", "Community care station"),
        "disabled_care_centre" => ("失能特困人员集中照护中心", "Care centre for disabled 特困 persons"),
        "funeral_home" => ("殡仪馆", "Funeral home"),
        "funeral_station" => ("殡仪服务站", "Funeral service station"),
        "cemetery" => ("公益性公墓", "Public-welfare cemetery"),
        _ => ("其他", "Other"),
    }
}

pub fn action(a: Action) -> (&'static str, &'static str) {
    match a {
        Action::New => ("新建", "new"),
        Action::Expand => ("改扩建", "expanded"),
        Action::Convert => ("改造", "converted"),
        Action::Transfer => ("公建民营", "transferred"),
        Action::Close => ("撤并", "closed"),
        Action::Keep => ("保留", "kept"),
    }
}

/// (Chinese, English) of a demand family of assignments.csv.
pub fn family(key: &str) -> (&'static str, &'static str) {
    match key {
        "beds" => ("养老床位", "beds"),
        "places" => ("集中照护床位", "care places"),
        "halls" => ("治丧厅", "funeral halls"),
        "plots" => ("墓位", "grave plots"),
        _ => ("", ""),
    }
}

pub fn provenance(p: Provenance) -> (&'static str, &'static str) {
    match p {
        Provenance::Census => ("普查", "census"),
        Provenance::Derived => ("推算", "derived"),
        Provenance::Assumption => ("假设", "assumption"),
    }
}

/// Why demand is not served, as the plan states it.
pub fn cause(key: &str) -> (&'static str, &'static str) {
    match key {
        "no_site_within_limit" => ("限时内无可选址", "no site within the travel limit"),
        "no_coordinates" => ("镇街无坐标", "town has no coordinates"),
        "capacity_limit" => ("容量上限", "capacity limit reached"),
        _ => ("", ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escaping_covers_markup_and_quotes() {
        assert_eq!(esc("<a href=\"x\">&'"), "&lt;a href=&quot;x&quot;&gt;&amp;&#39;");
    }

    #[test]
    fn chinese_labels_carry_the_english_below_and_english_stands_alone() {
        assert_eq!(Lang::Zh.label("床位", "beds"), "床位<span class=\"en\">beds</span>");
        assert_eq!(Lang::En.label("床位", "beds"), "beds");
    }
}
