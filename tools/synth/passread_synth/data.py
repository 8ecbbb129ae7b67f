"""Issuing states, name pools (romanised + local script) and field generators for non-CN-mainland documents."""
from __future__ import annotations

import datetime as dt

from .rng import chance, pick

# name pools: (surnames, given names); entries are "LATIN" or ("LATIN", "local script")
NAMES = {
    "en": (["SMITH", "JOHNSON", "WILLIAMS", "BROWN", "JONES", "TAYLOR", "WILSON", "ANDERSON", "THOMPSON", "WHITE",
            "HARRIS", "MARTIN", "CLARKE", "O'BRIEN", "MACDONALD", "WALKER", "HUGHES", "EDWARDS", "MONTGOMERY-FITZWILLIAM",
            "ROBINSON", "WRIGHT", "MITCHELL", "CAMPBELL", "MURPHY", "KELLY", "NGUYEN", "OKAFOR", "CHRISTODOULOU"],
           ["JAMES", "MARY", "JOHN", "PATRICIA", "ROBERT", "JENNIFER", "MICHAEL", "ELIZABETH", "WILLIAM", "SARAH",
            "DAVID", "EMMA", "OLIVIA", "NOAH", "CHARLOTTE", "HENRY", "GRACE", "THOMAS", "SOPHIE", "JACK", "AMELIA",
            "ALEXANDER", "CHRISTOPHER", "MARGARET", "SIOBHAN", "LIAM", "CHLOE", "BENJAMIN"]),
    "uto": (["ERIKSSON", "STORMFIELD", "SPECIMEN", "MUSTERMANN", "DOE"],
            ["ANNA", "MARIA", "JOHN", "JANE", "ERIK", "LENA"]),
    "de": (["MÜLLER", "SCHMIDT", "SCHNEIDER", "FISCHER", "WEBER", "MEYER", "WAGNER", "BECKER", "SCHULZ", "HOFFMANN",
            "SCHÄFER", "KÖHLER", "MUSTERMANN", "VON DER HEYDE", "GROSSMANN", "ZIMMERMANN"],
           ["ERIKA", "HANS", "JÜRGEN", "KLAUS", "ANNA", "LUKAS", "MARIE", "SOPHIE", "FELIX", "JONAS", "LEONIE",
            "KARL-HEINZ", "UWE", "GRETA", "MAXIMILIAN", "FRIEDERIKE"]),
    "fr": (["MARTIN", "BERNARD", "DUBOIS", "THOMAS", "ROBERT", "RICHARD", "PETIT", "DURAND", "LEROY", "MOREAU",
            "LEFÈVRE", "GIRARD", "FONTAINE", "DE SAINT-EXUPÉRY", "BONNET", "ROUSSEAU"],
           ["JEAN", "MARIE", "PIERRE", "CÉLINE", "FRANÇOIS", "ÉLODIE", "LOUIS", "CAMILLE", "HÉLÈNE", "JULIEN",
            "MANON", "NICOLAS", "ANNE-SOPHIE", "THÉO", "INÈS"]),
    "es": (["GARCÍA", "RODRÍGUEZ", "FERNÁNDEZ", "GONZÁLEZ", "LÓPEZ", "MARTÍNEZ", "SÁNCHEZ", "PÉREZ", "DE LA CRUZ",
            "HERNÁNDEZ", "JIMÉNEZ", "RUIZ", "NÚÑEZ", "CASTILLO"],
           ["JOSÉ", "MARÍA", "ANTONIO", "CARMEN", "LUIS", "ISABEL", "JAVIER", "LUCÍA", "ALEJANDRO", "SOFÍA",
            "MIGUEL ÁNGEL", "GUADALUPE", "PABLO"]),
    "pt": (["SILVA", "SANTOS", "OLIVEIRA", "SOUZA", "PEREIRA", "COSTA", "RODRIGUES", "ALMEIDA", "NASCIMENTO",
            "CARVALHO", "ARAÚJO", "GONÇALVES", "DA CONCEIÇÃO"],
           ["JOÃO", "MARIA", "ANA", "PEDRO", "LUCAS", "GABRIEL", "JULIANA", "FERNANDA", "RAFAEL", "BEATRIZ",
            "MATEUS", "LETÍCIA"]),
    "it": (["ROSSI", "RUSSO", "FERRARI", "ESPOSITO", "BIANCHI", "ROMANO", "COLOMBO", "RICCI", "MARINO", "GRECO",
            "DE LUCA", "D'ANGELO"],
           ["GIUSEPPE", "MARIA", "GIOVANNI", "FRANCESCA", "ALESSANDRO", "CHIARA", "LORENZO", "GIULIA", "MATTEO",
            "ELENA", "FRANCESCO"]),
    "nl": (["DE JONG", "JANSEN", "DE VRIES", "VAN DEN BERG", "VAN DIJK", "BAKKER", "VISSER", "SMIT", "MEIJER",
            "VAN DER MEULEN", "MULDER"],
           ["DAAN", "SANNE", "JAN", "EMMA", "LOTTE", "SEM", "JULIA", "PIETER", "FLEUR", "WILLEM"]),
    "nordic": (["ERIKSSON", "JOHANSSON", "ANDERSSON", "NILSSON", "LARSEN", "HANSEN", "JOHANSEN", "VIRTANEN",
                "KORHONEN", "BJÖRKLUND", "LINDQVIST", "SØRENSEN", "HÄKKINEN"],
               ["ANNA", "MARIA", "ERIK", "LARS", "SVEN", "INGRID", "ASTRID", "OLAV", "MIKKO", "AINO", "BJÖRN",
                "SIGRID", "JUHANI"]),
    "pl": (["NOWAK", "KOWALSKI", "WIŚNIEWSKI", "WÓJCIK", "KOWALCZYK", "KAMIŃSKI", "LEWANDOWSKI", "ZIELIŃSKI",
            "SZYMAŃSKA", "DĄBROWSKA"],
           ["PIOTR", "ANNA", "KRZYSZTOF", "KATARZYNA", "TOMASZ", "MAŁGORZATA", "PAWEŁ", "AGNIESZKA", "ŁUKASZ"]),
    "ru": ([("IVANOV", "ИВАНОВ"), ("SMIRNOV", "СМИРНОВ"), ("KUZNETSOV", "КУЗНЕЦОВ"), ("POPOV", "ПОПОВ"),
            ("VASILEV", "ВАСИЛЬЕВ"), ("PETROV", "ПЕТРОВ"), ("SOKOLOV", "СОКОЛОВ"), ("MIKHAILOV", "МИХАЙЛОВ"),
            ("NOVIKOVA", "НОВИКОВА"), ("FEDOROVA", "ФЕДОРОВА"), ("MOROZOVA", "МОРОЗОВА"), ("VOLKOVA", "ВОЛКОВА"),
            ("KONSTANTINOPOLSKII", "КОНСТАНТИНОПОЛЬСКИЙ")],
           [("ALEKSANDR", "АЛЕКСАНДР"), ("DMITRII", "ДМИТРИЙ"), ("SERGEI", "СЕРГЕЙ"), ("ANDREI", "АНДРЕЙ"),
            ("MAKSIM", "МАКСИМ"), ("IVAN", "ИВАН"), ("ANNA", "АННА"), ("ELENA", "ЕЛЕНА"), ("OLGA", "ОЛЬГА"),
            ("TATIANA", "ТАТЬЯНА"), ("NATALIA", "НАТАЛЬЯ"), ("MARIIA", "МАРИЯ"), ("EKATERINA", "ЕКАТЕРИНА")]),
    "ja": ([("SATO", "佐藤"), ("SUZUKI", "鈴木"), ("TAKAHASHI", "高橋"), ("TANAKA", "田中"), ("WATANABE", "渡辺"),
            ("ITO", "伊藤"), ("YAMAMOTO", "山本"), ("NAKAMURA", "中村"), ("KOBAYASHI", "小林"), ("KATO", "加藤"),
            ("YOSHIDA", "吉田"), ("YAMAGUCHI", "山口")],
           [("HIROSHI", "博"), ("TAKESHI", "武"), ("YUKI", "由紀"), ("HANAKO", "花子"), ("TARO", "太郎"),
            ("KENJI", "健二"), ("AKIKO", "明子"), ("SAKURA", "さくら"), ("HARUTO", "陽翔"), ("YUI", "結衣"),
            ("SOTA", "蒼太")]),
    "ko": ([("KIM", "김"), ("LEE", "이"), ("PARK", "박"), ("CHOI", "최"), ("JUNG", "정"), ("KANG", "강"),
            ("CHO", "조"), ("YOON", "윤"), ("JANG", "장"), ("LIM", "임"), ("HAN", "한"), ("SHIN", "신")],
           [("MINJUN", "민준"), ("SEOYEON", "서연"), ("JIHOO", "지후"), ("HAEUN", "하은"), ("DOYUN", "도윤"),
            ("JIWOO", "지우"), ("SUBIN", "수빈"), ("HYUNWOO", "현우"), ("YEJIN", "예진"), ("SEUNGHYUN", "승현")]),
    "in": (["SHARMA", "PATEL", "SINGH", "KUMAR", "GUPTA", "REDDY", "IYER", "NAIR", "DESAI", "CHATTERJEE",
            "VENKATARAMAN", "BANERJEE", "KRISHNAMURTHY"],
           ["AARAV", "PRIYA", "RAHUL", "ANANYA", "VIKRAM", "DEEPIKA", "LAKSHMI NARAYANAN", "ARJUN", "KAVYA",
            "SURESH", "MEENAKSHI", "ROHAN"]),
    "hk": ([("CHAN", "陳"), ("WONG", "黃"), ("LEUNG", "梁"), ("CHEUNG", "張"), ("LAU", "劉"), ("LEE", "李"),
            ("HO", "何"), ("NG", "吳"), ("LAM", "林"), ("TSANG", "曾"), ("YIP", "葉"), ("CHOW", "周"), ("TSE", "謝")],
           [("TAI MAN", "大文"), ("SIU MING", "小明"), ("KA YAN", "嘉欣"), ("WING KEI", "詠琪"), ("CHI HUNG", "志雄"),
            ("MEI LING", "美玲"), ("KWOK WAI", "國偉"), ("HOI YAN", "凱欣"), ("KA HO", "家豪"), ("WAI MAN", "慧敏")]),
    "tw": ([("CHEN", "陳"), ("LIN", "林"), ("HUANG", "黃"), ("CHANG", "張"), ("LEE", "李"), ("WANG", "王"),
            ("WU", "吳"), ("LIU", "劉"), ("TSAI", "蔡"), ("YANG", "楊"), ("HSU", "許"), ("CHENG", "鄭")],
           [("CHIA-HAO", "家豪"), ("YI-TING", "怡婷"), ("CHIH-WEI", "志偉"), ("HSIN-YI", "欣怡"), ("CHUN-HUNG", "俊宏"),
            ("YA-TING", "雅婷"), ("CHENG-EN", "承恩"), ("PEI-SHAN", "佩珊"), ("MING-HSUN", "明勳")]),
}

# code: (English name, local title line, name pool, script (None/ru/ja/ko/hk/tw), number pattern,
#        optional-data pattern or None, label language, date style)
# patterns: A letter, 9 digit, X alnum
COUNTRIES = {
    "UTO": ("UTOPIA", "PASSPORT", "uto", None, "A99999XA9", "AA999999A", "en", "dmy_mon"),
    "D": ("BUNDESREPUBLIK DEUTSCHLAND", "REISEPASS", "de", None, "CXXXXXXXX", None, "de", "dmy_mon2"),
    "GBR": ("UNITED KINGDOM OF GREAT BRITAIN AND NORTHERN IRELAND", "PASSPORT", "en", None, "999999999", None, "en", "dmy_mon"),
    "USA": ("UNITED STATES OF AMERICA", "PASSPORT", "en", None, "A99999999", None, "en", "dmy_mon"),
    "FRA": ("RÉPUBLIQUE FRANÇAISE", "PASSEPORT", "fr", None, "99AA99999", None, "fr", "dmy_dot"),
    "JPN": ("JAPAN", "日本国旅券 PASSPORT", "ja", "ja", "AA9999999", None, "ja", "dmy_mon"),
    "KOR": ("REPUBLIC OF KOREA", "대한민국 여권 PASSPORT", "ko", "ko", "M99999999", None, "ko", "dmy_mon"),
    "IND": ("REPUBLIC OF INDIA", "PASSPORT", "in", None, "A9999999", None, "en", "dmy_slash"),
    "RUS": ("РОССИЙСКАЯ ФЕДЕРАЦИЯ / RUSSIAN FEDERATION", "ПАСПОРТ PASSPORT", "ru", "ru", "999999999", None, "ru", "dmy_dot"),
    "BRA": ("REPÚBLICA FEDERATIVA DO BRASIL", "PASSAPORTE", "pt", None, "AA999999", None, "pt", "dmy_mon2"),
    "CAN": ("CANADA", "PASSPORT / PASSEPORT", "en", None, "AA999999", None, "en", "dmy_mon2"),
    "AUS": ("AUSTRALIA", "PASSPORT", "en", None, "AA9999999", None, "en", "dmy_mon"),
    "NLD": ("KONINKRIJK DER NEDERLANDEN", "PASPOORT", "nl", None, "AAXXXXXX9", "999999999", "nl", "dmy_mon2"),
    "ESP": ("REINO DE ESPAÑA", "PASAPORTE", "es", None, "AAA999999", "99999999A", "es", "dmy_mon"),
    "ITA": ("REPUBBLICA ITALIANA", "PASSAPORTO", "it", None, "AA9999999", None, "it", "dmy_mon2"),
    "SWE": ("SVERIGE", "PASS", "nordic", None, "99999999", "9999999999", "sv", "dmy_mon2"),
    "NOR": ("NORGE", "PASS", "nordic", None, "AA9999999", "99999999999", "sv", "dmy_mon"),
    "FIN": ("SUOMI FINLAND", "PASSI PASS", "nordic", None, "XX9999999", "999999A999A", "sv", "dmy_dot"),
    "CHE": ("SCHWEIZERISCHE EIDGENOSSENSCHAFT", "PASS PASSEPORT PASSAPORTO", "de", None, "A9999999", None, "de", "dmy_dot"),
    "MEX": ("ESTADOS UNIDOS MEXICANOS", "PASAPORTE", "es", None, "A99999999", None, "es", "dmy_mon2"),
    "NZL": ("NEW ZEALAND", "PASSPORT", "en", None, "AA999999", None, "en", "dmy_mon"),
    "IRL": ("ÉIRE IRELAND", "PAS PASSPORT", "en", None, "AA9999999", None, "en", "dmy_mon"),
    "POL": ("RZECZPOSPOLITA POLSKA", "PASZPORT", "pl", None, "AA9999999", "99999999999", "pl", "dmy_dot"),
    "ZAF": ("REPUBLIC OF SOUTH AFRICA", "PASSPORT", "en", None, "A99999999", "9999999999999", "en", "dmy_mon"),
    "SGP": ("REPUBLIC OF SINGAPORE", "PASSPORT", "en", None, "A9999999A", None, "en", "dmy_mon"),
    "PRT": ("REPÚBLICA PORTUGUESA", "PASSAPORTE", "pt", None, "A999999", None, "pt", "dmy_mon2"),
    "HKG": ("HONG KONG SPECIAL ADMINISTRATIVE REGION", "中華人民共和國香港特別行政區護照 PASSPORT", "hk", "hk", "K99999999", None, "hk", "dmy_mon"),
    "MAC": ("MACAO SPECIAL ADMINISTRATIVE REGION", "中華人民共和國澳門特別行政區護照 PASSAPORTE PASSPORT", "hk", "hk", "MA9999999", None, "hk", "dmy_mon"),
    "TWN": ("REPUBLIC OF CHINA (TAIWAN)", "中華民國護照 PASSPORT", "tw", "tw", "999999999", None, "tw", "dmy_mon"),
}
TD3_STATES = [c for c in COUNTRIES if c not in ("HKG", "MAC", "TWN")]
NATIONALITY_NAME = {"UTO": "UTOPIAN", "D": "DEUTSCH", "GBR": "BRITISH CITIZEN", "USA": "UNITED STATES OF AMERICA",
                    "FRA": "FRANÇAISE", "JPN": "JAPAN", "KOR": "REPUBLIC OF KOREA", "IND": "INDIAN",
                    "RUS": "РОССИЯ / RUSSIA", "BRA": "BRASILEIRO(A)", "CAN": "CANADIAN/CANADIENNE",
                    "AUS": "AUSTRALIAN", "NLD": "NEDERLANDSE", "ESP": "ESPAÑOLA", "ITA": "ITALIANA", "SWE": "SVENSK",
                    "NOR": "NORSK", "FIN": "SUOMI", "CHE": "SCHWEIZ", "MEX": "MEXICANA", "NZL": "NEW ZEALAND CITIZEN",
                    "IRL": "ÉIREANNACH/IRISH", "POL": "POLSKIE", "ZAF": "SOUTH AFRICAN", "SGP": "SINGAPORE CITIZEN",
                    "PRT": "PORTUGUESA", "HKG": "CHINESE 中國", "MAC": "CHINESA 中國", "TWN": "REPUBLIC OF CHINA"}
PLACES = {"en": ["LONDON", "NEW YORK", "TORONTO", "SYDNEY", "AUCKLAND", "DUBLIN", "CAPE TOWN", "SINGAPORE", "CHICAGO"],
          "de": ["BERLIN", "MÜNCHEN", "HAMBURG", "KÖLN", "ZÜRICH", "BERN"], "fr": ["PARIS", "LYON", "MARSEILLE", "GENÈVE"],
          "es": ["MADRID", "SEVILLA", "CIUDAD DE MÉXICO", "GUADALAJARA"], "pt": ["SÃO PAULO", "RIO DE JANEIRO", "LISBOA", "PORTO"],
          "it": ["ROMA", "MILANO", "NAPOLI", "TORINO"], "nl": ["AMSTERDAM", "ROTTERDAM", "UTRECHT"],
          "sv": ["STOCKHOLM", "OSLO", "HELSINKI", "GÖTEBORG"], "pl": ["WARSZAWA", "KRAKÓW", "GDAŃSK"],
          "ru": ["МОСКВА / MOSCOW", "САНКТ-ПЕТЕРБУРГ / ST. PETERSBURG", "КАЗАНЬ / KAZAN"],
          "ja": ["TOKYO", "OSAKA", "KYOTO", "HOKKAIDO"], "ko": ["SEOUL", "BUSAN", "INCHEON"],
          "hk": ["HONG KONG", "MACAO", "GUANGDONG"], "tw": ["TAIWAN", "TAIPEI", "KAOHSIUNG"], "uto": ["ZENITH", "UTOPIA CITY"]}
LABELS = {  # local label words for (surname, given names, nationality, date of birth, sex, date of expiry)
    "en": None,
    "de": ("Name", "Vornamen", "Staatsangehörigkeit", "Geburtstag", "Geschlecht", "Gültig bis"),
    "fr": ("Nom", "Prénoms", "Nationalité", "Date de naissance", "Sexe", "Date d'expiration"),
    "es": ("Apellidos", "Nombre", "Nacionalidad", "Fecha de nacimiento", "Sexo", "Fecha de caducidad"),
    "pt": ("Sobrenome", "Nome", "Nacionalidade", "Data de nascimento", "Sexo", "Validade"),
    "it": ("Cognome", "Nome", "Cittadinanza", "Data di nascita", "Sesso", "Scadenza"),
    "nl": ("Naam", "Voornamen", "Nationaliteit", "Geboortedatum", "Geslacht", "Geldig tot"),
    "sv": ("Efternamn", "Förnamn", "Nationalitet", "Födelsedatum", "Kön", "Giltig t.o.m."),
    "pl": ("Nazwisko", "Imiona", "Obywatelstwo", "Data urodzenia", "Płeć", "Data ważności"),
    "ru": ("Фамилия", "Имя", "Гражданство", "Дата рождения", "Пол", "Дата окончания срока"),
    "ja": ("姓", "名", "国籍", "生年月日", "性別", "有効期間満了日"),
    "ko": ("성", "이름", "국적", "생년월일", "성별", "기간만료일"),
    "hk": ("姓", "名", "國籍", "出生日期", "性別", "有效期至"),
    "tw": ("姓", "名", "國籍", "出生日期", "性別", "效期截止日期"),
}
MONTHS = ["JAN", "FEB", "MAR", "APR", "MAY", "JUN", "JUL", "AUG", "SEP", "OCT", "NOV", "DEC"]
TODAY = dt.date(2026, 11, 30)


def latin(entry):
    return entry[0] if isinstance(entry, tuple) else entry


def local(entry):
    return entry[1] if isinstance(entry, tuple) else None


def fill_pattern(rng, pattern: str) -> str:
    out = []
    for ch in pattern:
        if ch == "9":
            out.append(str(int(rng.integers(0, 10))))
        elif ch == "A":
            out.append(chr(65 + int(rng.integers(0, 26))))
        elif ch == "X":
            out.append(pick(rng, "ABCDEFGHJKLMNPRSTUVWXYZ0123456789"))
        else:
            out.append(ch)
    return "".join(out)


def rand_date(rng, lo: dt.date, hi: dt.date) -> dt.date:
    return lo + dt.timedelta(days=int(rng.integers(0, (hi - lo).days + 1)))


def fmt_date(d: dt.date, style: str) -> str:
    mon = MONTHS[d.month - 1]
    if style == "dmy_mon":
        return f"{d.day:02d} {mon} {d.year}"
    if style == "dmy_mon2":
        return f"{d.day:02d} {mon} {d.year % 100:02d}"
    if style == "dmy_dot":
        return f"{d.day:02d}.{d.month:02d}.{d.year}"
    if style == "dmy_slash":
        return f"{d.day:02d}/{d.month:02d}/{d.year}"
    return d.isoformat()


def person(rng, pool: str, long_name: bool = False, mononym: bool = False):
    """Return (surname_latin, given_latin, surname_local, given_local, sex)."""
    surnames, givens = NAMES[pool]
    sex = pick(rng, ["M", "F", "X"], p=[0.49, 0.49, 0.02])
    s = pick(rng, surnames)
    ngiven = 1 + int(rng.choice(3, p=[0.55, 0.35, 0.10]))
    if long_name:
        ngiven = 3 + int(rng.integers(0, 2))
    idx = rng.choice(len(givens), size=min(ngiven, len(givens)), replace=False)
    gs = [givens[int(i)] for i in idx]
    if pool in ("hk", "tw", "ko", "ja", "ru"):
        gs = gs[:1]
    sur_l, sur_loc = latin(s), local(s)
    if long_name and pool not in ("hk", "tw", "ko", "ja", "ru"):
        s2 = pick(rng, surnames)
        sur_l = sur_l + " " + latin(s2) if chance(rng, 0.5) else sur_l + "-" + latin(s2)
    giv_l = " ".join(latin(g) for g in gs)
    giv_loc = "".join(local(g) for g in gs) if local(gs[0]) else None
    if mononym:
        giv_l, giv_loc = "", None
    return sur_l, giv_l, sur_loc, giv_loc, sex


def person_dates(rng, doc_years: int = 10, adult_only: bool = False):
    """(birth, issue, expiry) satisfying the contract's century/range rules."""
    for _ in range(100):
        birth = rand_date(rng, dt.date(1940 if adult_only else 1930, 1, 1), dt.date(2005 if adult_only else 2024, 12, 31))
        issue = rand_date(rng, max(birth, dt.date(2012, 1, 1)), dt.date(2026, 11, 30))
        years = doc_years if (issue - birth).days > 18 * 365 else 5
        try:
            expiry = issue.replace(year=issue.year + years) - dt.timedelta(days=1)
        except ValueError:
            expiry = issue.replace(year=issue.year + years, day=28)
        if dt.date(2015, 1, 1) <= expiry <= dt.date(2045, 12, 31) and birth <= TODAY:
            return birth, issue, expiry
    raise RuntimeError("date sampling failed")
