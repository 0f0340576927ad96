//! Closed vocabularies. Each enum serialises to the snake_case names of FORMAT.md.

use serde::{Deserialize, Serialize};
use std::fmt;

/// A value that is not part of a closed vocabulary.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownValue {
    pub vocabulary: &'static str,
    pub value: String,
}

impl fmt::Display for UnknownValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{:?} is not a known {} value",
            self.value, self.vocabulary
        )
    }
}

impl std::error::Error for UnknownValue {}

/// Common behaviour of the closed vocabularies: parse from and print to the
/// names used in records and lexicon files.
pub trait Vocabulary: Sized + Copy + 'static {
    const NAME: &'static str;
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;
    fn parse(s: &str) -> Result<Self, UnknownValue> {
        Self::ALL
            .iter()
            .copied()
            .find(|v| v.as_str() == s)
            .ok_or_else(|| UnknownValue {
                vocabulary: Self::NAME,
                value: s.to_string(),
            })
    }
}

macro_rules! vocabulary {
    ($(#[$m:meta])* $name:ident, $label:literal { $($variant:ident => $s:literal),+ $(,)? }) => {
        $(#[$m])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
        pub enum $name {
            $(#[serde(rename = $s)] $variant),+
        }
        impl Vocabulary for $name {
            const NAME: &'static str = $label;
            const ALL: &'static [Self] = &[$(Self::$variant),+];
            fn as_str(self) -> &'static str {
                match self { $(Self::$variant => $s),+ }
            }
            /// A `match` on the names: the compiler tests the length first and
            /// compares bytes only with the names of that length, where a walk
            /// over [`Vocabulary::ALL`] compares one name after the other (the
            /// lexicon matches of every report are parsed).
            fn parse(s: &str) -> Result<Self, UnknownValue> {
                match s {
                    $($s => Ok(Self::$variant),)+
                    _ => Err(UnknownValue {
                        vocabulary: $label,
                        value: s.to_string(),
                    }),
                }
            }
        }
        impl fmt::Display for $name {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.write_str(self.as_str())
            }
        }
        impl std::str::FromStr for $name {
            type Err = UnknownValue;
            fn from_str(s: &str) -> Result<Self, Self::Err> {
                <Self as Vocabulary>::parse(s)
            }
        }
    };
}

vocabulary!(
    /// The primary cause of an incident.
    Category, "category" {
    UnauthorizedAccess => "unauthorized_access",
    Malware => "malware",
    Ransomware => "ransomware",
    Phishing => "phishing",
    Bec => "bec",
    Ddos => "ddos",
    Misdelivery => "misdelivery",
    Misconfiguration => "misconfiguration",
    Bug => "bug",
    Loss => "loss",
    Theft => "theft",
    Insider => "insider",
    Other => "other",
});

vocabulary!(
    /// The main victim's sector.
    Sector, "sector" {
    Manufacturing => "manufacturing",
    Retail => "retail",
    ItTelecom => "it_telecom",
    Finance => "finance",
    Healthcare => "healthcare",
    Education => "education",
    Government => "government",
    Travel => "travel",
    Transport => "transport",
    Construction => "construction",
    Energy => "energy",
    Media => "media",
    Professional => "professional",
    Services => "services",
    Nonprofit => "nonprofit",
    Other => "other",
});

vocabulary!(
    /// How an incident happened.
    Vector, "vector" {
    Vpn => "vpn",
    SqlInjection => "sql_injection",
    WebVulnerability => "web_vulnerability",
    Backdoor => "backdoor",
    PaymentTampering => "payment_tampering",
    WeakPassword => "weak_password",
    BruteForce => "brute_force",
    CredentialStuffing => "credential_stuffing",
    PhishingEmail => "phishing_email",
    MaliciousAttachment => "malicious_attachment",
    PasswordZip => "password_zip",
    MacroDocument => "macro_document",
    ReplyChain => "reply_chain",
    DisplayNameSpoofing => "display_name_spoofing",
    EmailAccountTakeover => "email_account_takeover",
    SpamRelay => "spam_relay",
    WrongRecipient => "wrong_recipient",
    ToCcInsteadOfBcc => "to_cc_instead_of_bcc",
    WrongAttachment => "wrong_attachment",
    CacheMisconfiguration => "cache_misconfiguration",
    AccessControl => "access_control",
    RemovableMedia => "removable_media",
    PaperDocuments => "paper_documents",
    ThirdParty => "third_party",
    CloudService => "cloud_service",
    InsiderAccess => "insider_access",
});

vocabulary!(
    /// Kinds of exposed data.
    DataType, "data type" {
    Name => "name",
    Address => "address",
    Phone => "phone",
    Fax => "fax",
    Email => "email",
    BirthDate => "birth_date",
    Gender => "gender",
    Age => "age",
    Occupation => "occupation",
    Company => "company",
    CardNumber => "card_number",
    CardExpiry => "card_expiry",
    CardCvv => "card_cvv",
    CardholderName => "cardholder_name",
    LoginId => "login_id",
    Password => "password",
    BankAccount => "bank_account",
    MyNumber => "my_number",
    Passport => "passport",
    DriversLicense => "drivers_license",
    Health => "health",
    Photo => "photo",
    Resume => "resume",
    MemberId => "member_id",
    IpAddress => "ip_address",
    EmailContent => "email_content",
    PurchaseHistory => "purchase_history",
    Other => "other",
});

vocabulary!(
    /// What the victim did in response.
    Action, "action" {
    PoliceReport => "police_report",
    PpcReport => "ppc_report",
    ForensicInvestigation => "forensic_investigation",
    CardPaymentSuspended => "card_payment_suspended",
    ServiceSuspended => "service_suspended",
    PasswordReset => "password_reset",
    NotifyIndividuals => "notify_individuals",
    PublicNotice => "public_notice",
    CallCenter => "call_center",
    NetworkIsolation => "network_isolation",
    CardMonitoring => "card_monitoring",
    CardReissueFeeWaived => "card_reissue_fee_waived",
    StaffTraining => "staff_training",
    VendorInstruction => "vendor_instruction",
    RecurrencePrevention => "recurrence_prevention",
});

vocabulary!(
    /// How sure a count is.
    Qualifier, "qualifier" {
    Max => "max",
    Confirmed => "confirmed",
    Possible => "possible",
});

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_value_round_trips_through_its_name_and_json() {
        fn check<V: Vocabulary + Serialize + for<'de> Deserialize<'de> + PartialEq + fmt::Debug>() {
            for v in V::ALL {
                assert_eq!(V::parse(v.as_str()).unwrap(), *v);
                let json = serde_json::to_string(v).unwrap();
                assert_eq!(json, format!("\"{}\"", v.as_str()));
                let back: V = serde_json::from_str(&json).unwrap();
                assert_eq!(back, *v);
            }
        }
        check::<Category>();
        check::<Sector>();
        check::<Vector>();
        check::<DataType>();
        check::<Action>();
        check::<Qualifier>();
    }

    #[test]
    fn unknown_values_are_refused_with_the_vocabulary_named() {
        let err = Category::parse("earthquake").unwrap_err();
        assert_eq!(
            err.to_string(),
            "\"earthquake\" is not a known category value"
        );
        assert_eq!(Vector::ALL.len(), 26);
        assert_eq!(DataType::ALL.len(), 28);
        assert_eq!(Action::ALL.len(), 15);
    }
}
