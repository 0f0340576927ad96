//! Japanese labels of the vocabularies and the survey taxonomies (TSR, JNSA,
//! VERIS) that categories map to.

/// The Japanese label of a category.
pub fn category_ja(c: &str) -> &'static str {
    match c {
        "unauthorized_access" => "不正アクセス",
        "malware" => "マルウェア感染",
        "ransomware" => "ランサムウェア",
        "phishing" => "フィッシング",
        "bec" => "ビジネスメール詐欺",
        "ddos" => "DDoS攻撃",
        "misdelivery" => "誤送信・誤送付",
        "misconfiguration" => "誤設定・誤公開",
        "bug" => "不具合",
        "loss" => "紛失・誤廃棄",
        "theft" => "盗難",
        "insider" => "内部不正",
        "other" => "その他",
        _ => "不明",
    }
}

/// The Japanese label of a sector.
pub fn sector_ja(s: &str) -> &'static str {
    match s {
        "manufacturing" => "製造業",
        "retail" => "小売・EC",
        "it_telecom" => "情報通信",
        "finance" => "金融",
        "healthcare" => "医療",
        "education" => "教育",
        "government" => "官公庁・自治体",
        "travel" => "旅行",
        "transport" => "運輸",
        "construction" => "建設",
        "energy" => "エネルギー",
        "media" => "メディア",
        "professional" => "専門サービス",
        "services" => "サービス",
        "nonprofit" => "非営利団体",
        "other" => "その他",
        _ => "不明",
    }
}

/// The Japanese label of a data type.
pub fn data_type_ja(d: &str) -> &'static str {
    match d {
        "name" => "氏名",
        "address" => "住所",
        "phone" => "電話番号",
        "fax" => "FAX番号",
        "email" => "メールアドレス",
        "birth_date" => "生年月日",
        "gender" => "性別",
        "age" => "年齢",
        "occupation" => "職業",
        "company" => "会社名",
        "card_number" => "カード番号",
        "card_expiry" => "有効期限",
        "card_cvv" => "セキュリティコード",
        "cardholder_name" => "カード名義",
        "login_id" => "ログインID",
        "password" => "パスワード",
        "bank_account" => "口座情報",
        "my_number" => "マイナンバー",
        "passport" => "旅券情報",
        "drivers_license" => "運転免許証",
        "health" => "健康情報",
        "photo" => "写真",
        "resume" => "履歴書",
        "member_id" => "会員ID",
        "ip_address" => "IPアドレス",
        "email_content" => "メール本文",
        "purchase_history" => "購入履歴",
        _ => "その他",
    }
}

/// A cause taxonomy for statistics.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Taxonomy {
    /// incidex's own categories.
    Incidex,
    /// 東京商工リサーチ's cause classes.
    Tsr,
    /// JNSA's survey causes.
    Jnsa,
    /// VERIS actions.
    Veris,
}

impl Taxonomy {
    pub fn parse(s: &str) -> Option<Self> {
        match s {
            "incidex" => Some(Self::Incidex),
            "tsr" => Some(Self::Tsr),
            "jnsa" => Some(Self::Jnsa),
            "veris" => Some(Self::Veris),
            _ => None,
        }
    }

    /// The class of a category (`None`: unknown category) in this taxonomy.
    pub fn class(self, category: Option<&str>) -> String {
        let c = category.unwrap_or("");
        match self {
            Self::Incidex => if c.is_empty() { "(unknown)" } else { c }.to_string(),
            Self::Tsr => match c {
                "unauthorized_access" | "malware" | "ransomware" | "phishing" | "bec" | "ddos" => {
                    "ウイルス感染・不正アクセス"
                }
                "misdelivery" | "misconfiguration" | "bug" => "誤表示・誤送信",
                "loss" => "紛失・誤廃棄",
                "theft" => "盗難",
                _ => "その他",
            }
            .to_string(),
            Self::Jnsa => match c {
                "loss" => "紛失・置忘れ",
                "misdelivery" => "誤操作",
                "unauthorized_access" | "phishing" | "bec" | "ddos" => "不正アクセス",
                "malware" | "ransomware" => "ワーム・ウイルス",
                "misconfiguration" => "設定ミス",
                "bug" => "バグ・セキュリティホール",
                "theft" => "盗難",
                "insider" => "不正な情報持ち出し",
                _ => "その他",
            }
            .to_string(),
            Self::Veris => match c {
                "unauthorized_access" | "ddos" => "Hacking",
                "malware" | "ransomware" => "Malware",
                "phishing" | "bec" => "Social",
                "insider" => "Misuse",
                "theft" => "Physical",
                "misdelivery" | "misconfiguration" | "bug" | "loss" => "Error",
                _ => "Unknown",
            }
            .to_string(),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_category_has_a_class_in_each_taxonomy() {
        use incidex_model::{Category, Vocabulary};
        for c in Category::ALL {
            let c = c.as_str();
            assert_ne!(category_ja(c), "不明");
            assert_ne!(Taxonomy::Tsr.class(Some(c)), "");
        }
        assert_eq!(
            Taxonomy::Tsr.class(Some("ransomware")),
            "ウイルス感染・不正アクセス"
        );
        assert_eq!(Taxonomy::Veris.class(Some("misdelivery")), "Error");
        assert_eq!(Taxonomy::Jnsa.class(None), "その他");
    }
}
