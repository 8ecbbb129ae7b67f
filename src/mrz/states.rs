//! ICAO 9303 Part 3 issuing state and nationality codes: ISO 3166-1 alpha-3 (generated from
//! the ISO 3166-1 table) plus the codes ICAO adds for organisations, special nationalities and
//! specimens. An unknown code is reported by the parser, never rejected.

/// ISO 3166-1 alpha-3 codes, sorted.
pub static ISO_3166: &[&str] = &[
    "ABW", "AFG", "AGO", "AIA", "ALA", "ALB", "AND", "ARE", "ARG", "ARM", "ASM", "ATA",
    "ATF", "ATG", "AUS", "AUT", "AZE", "BDI", "BEL", "BEN", "BES", "BFA", "BGD", "BGR",
    "BHR", "BHS", "BIH", "BLM", "BLR", "BLZ", "BMU", "BOL", "BRA", "BRB", "BRN", "BTN",
    "BVT", "BWA", "CAF", "CAN", "CCK", "CHE", "CHL", "CHN", "CIV", "CMR", "COD", "COG",
    "COK", "COL", "COM", "CPV", "CRI", "CUB", "CUW", "CXR", "CYM", "CYP", "CZE", "DEU",
    "DJI", "DMA", "DNK", "DOM", "DZA", "ECU", "EGY", "ERI", "ESH", "ESP", "EST", "ETH",
    "FIN", "FJI", "FLK", "FRA", "FRO", "FSM", "GAB", "GBR", "GEO", "GGY", "GHA", "GIB",
    "GIN", "GLP", "GMB", "GNB", "GNQ", "GRC", "GRD", "GRL", "GTM", "GUF", "GUM", "GUY",
    "HKG", "HMD", "HND", "HRV", "HTI", "HUN", "IDN", "IMN", "IND", "IOT", "IRL", "IRN",
    "IRQ", "ISL", "ISR", "ITA", "JAM", "JEY", "JOR", "JPN", "KAZ", "KEN", "KGZ", "KHM",
    "KIR", "KNA", "KOR", "KWT", "LAO", "LBN", "LBR", "LBY", "LCA", "LIE", "LKA", "LSO",
    "LTU", "LUX", "LVA", "MAC", "MAF", "MAR", "MCO", "MDA", "MDG", "MDV", "MEX", "MHL",
    "MKD", "MLI", "MLT", "MMR", "MNE", "MNG", "MNP", "MOZ", "MRT", "MSR", "MTQ", "MUS",
    "MWI", "MYS", "MYT", "NAM", "NCL", "NER", "NFK", "NGA", "NIC", "NIU", "NLD", "NOR",
    "NPL", "NRU", "NZL", "OMN", "PAK", "PAN", "PCN", "PER", "PHL", "PLW", "PNG", "POL",
    "PRI", "PRK", "PRT", "PRY", "PSE", "PYF", "QAT", "REU", "ROU", "RUS", "RWA", "SAU",
    "SDN", "SEN", "SGP", "SGS", "SHN", "SJM", "SLB", "SLE", "SLV", "SMR", "SOM", "SPM",
    "SRB", "SSD", "STP", "SUR", "SVK", "SVN", "SWE", "SWZ", "SXM", "SYC", "SYR", "TCA",
    "TCD", "TGO", "THA", "TJK", "TKL", "TKM", "TLS", "TON", "TTO", "TUN", "TUR", "TUV",
    "TWN", "TZA", "UGA", "UKR", "UMI", "URY", "USA", "UZB", "VAT", "VCT", "VEN", "VGB",
    "VIR", "VNM", "VUT", "WLF", "WSM", "YEM", "ZAF", "ZMB", "ZWE",
];

/// Codes ICAO 9303 adds to ISO 3166-1, with what they stand for, sorted.
pub static ICAO_SPECIAL: &[(&str, &str)] = &[
    ("ANT", "Netherlands Antilles (former)"),
    ("D", "Germany (ICAO uses D, not DEU)"),
    ("EUE", "European Union"),
    ("GBD", "British Overseas Territories Citizen"),
    ("GBN", "British National (Overseas)"),
    ("GBO", "British Overseas Citizen"),
    ("GBP", "British Protected Person"),
    ("GBS", "British Subject"),
    ("NTZ", "Neutral Zone (former)"),
    ("RKS", "Kosovo (used by some issuers)"),
    ("UNA", "Specialized agency of the United Nations"),
    ("UNK", "Resident of Kosovo (UN interim administration)"),
    ("UNO", "United Nations Organization or one of its officials"),
    ("UTO", "Utopia (ICAO 9303 specimens)"),
    ("XBA", "African Development Bank"),
    ("XCC", "Caribbean Community"),
    ("XCE", "Council of Europe"),
    ("XCO", "Common Market for Eastern and Southern Africa"),
    ("XDC", "Southern African Development Community"),
    ("XEC", "Economic Community of West African States"),
    ("XES", "Organisation of Eastern Caribbean States"),
    ("XIM", "African Export-Import Bank"),
    ("XMP", "Parliamentary Assembly of the Mediterranean"),
    ("XOM", "Sovereign Military Order of Malta"),
    ("XPO", "Interpol"),
    ("XXA", "Stateless person (1954 Convention)"),
    ("XXB", "Refugee (1951 Convention)"),
    ("XXC", "Refugee (other)"),
    ("XXX", "Person of unspecified nationality"),
    ("ZIM", "Zimbabwe (former code)"),
];

/// Whether `code` (fillers already stripped, e.g. `D`, `UTO`) is a known ICAO code.
pub fn is_known(code: &str) -> bool {
    ISO_3166.binary_search(&code).is_ok() || ICAO_SPECIAL.binary_search_by(|(c, _)| c.cmp(&code)).is_ok()
}

/// What a special (non-ISO) code stands for.
pub fn special_meaning(code: &str) -> Option<&'static str> {
    ICAO_SPECIAL.binary_search_by(|(c, _)| c.cmp(&code)).ok().map(|i| ICAO_SPECIAL[i].1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn tables_sorted_and_known() {
        assert!(ISO_3166.windows(2).all(|w| w[0] < w[1]));
        assert!(ICAO_SPECIAL.windows(2).all(|w| w[0].0 < w[1].0));
        for c in ["D", "UTO", "XXA", "XXB", "XXC", "XXX", "GBD", "GBN", "GBO", "GBP", "GBS", "UNO", "UNA", "UNK", "EUE", "CHN", "TWN", "HKG", "MAC", "USA"] {
            assert!(is_known(c), "{c}");
        }
        assert!(!is_known("QQQ"));
        assert!(!is_known(""));
        assert_eq!(special_meaning("XXA"), Some("Stateless person (1954 Convention)"));
    }
}
