"""Random but realistic ICAO 9303 MRZ lines (TD1, TD2, TD3, MRV-A, MRV-B).

Every line is built with valid check digits (weights 7-3-1, '<' = 0,
'0'-'9' = 0-9, 'A'-'Z' = 10-35).  A share of the lines are random strings
over the alphabet so the recognizer does not just learn the grammar.
Deterministic given a numpy Generator.
"""
import numpy as np

ALPHABET = "<0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
DIGITS = "0123456789"

STATES = (
    "UTO D<< GBR USA CHN TWN FRA ITA ESP NLD BEL CHE AUT POL CZE SVK HUN ROU BGR GRC "
    "PRT IRL DNK SWE NOR FIN ISL EST LVA LTU UKR RUS BLR TUR ISR EGY MAR DZA TUN NGA "
    "GHA KEN ZAF ETH IND PAK BGD LKA NPL THA VNM MYS SGP IDN PHL JPN KOR PRK MNG KAZ "
    "UZB IRN IRQ SAU ARE QAT KWT OMN JOR LBN SYR AFG CAN MEX BRA ARG CHL COL PER VEN "
    "CUB AUS NZL HKG MAC GBD GBN GBO GBS GBP XXA XXB XXC XXX UNO UNA EUE XOM RKS ZIM "
    "SRB HRV SVN BIH MKD ALB MDA GEO ARM AZE LUX MLT CYP"
).split()

SURNAMES = (
    "ERIKSSON MUSTERMANN SMITH JOHNSON WILLIAMS BROWN GARCIA MARTINEZ RODRIGUEZ "
    "HERNANDEZ LOPEZ GONZALEZ MUELLER SCHMIDT SCHNEIDER FISCHER WEBER MEYER WAGNER "
    "BECKER SCHULZ HOFFMANN KOWALSKI NOWAK WISNIEWSKI WOJCIK KOWALCZYK IVANOV "
    "SMIRNOV KUZNETSOV POPOV SOKOLOV LEBEDEV PETROV VOLKOV SHEVCHENKO BONDARENKO "
    "KOVALENKO ROSSI RUSSO FERRARI ESPOSITO BIANCHI ROMANO COLOMBO MARTIN BERNARD "
    "DUBOIS THOMAS ROBERT RICHARD PETIT DURAND LEROY MOREAU DEJONG JANSEN DEVRIES "
    "VANDENBERG BAKKER JANSSENS PEETERS MAES NIELSEN HANSEN PEDERSEN ANDERSEN "
    "JOHANSSON KARLSSON NILSSON LARSSON KORHONEN VIRTANEN MAKINEN NIEMINEN "
    "PAPADOPOULOS PAPADAKIS YILMAZ KAYA DEMIR SAHIN CELIK COHEN LEVI MIZRAHI "
    "WANG LI ZHANG LIU CHEN YANG HUANG ZHAO WU ZHOU XU SUN MA ZHU HU GUO HE LIN "
    "LUO GAO ZHENG LIANG XIE TANG HAN CAO DENG FENG ZENG PENG XIAO CAI PAN TIAN "
    "SATO SUZUKI TAKAHASHI TANAKA WATANABE ITO YAMAMOTO NAKAMURA KOBAYASHI KATO "
    "KIM LEE PARK CHOI JUNG KANG CHO YOON JANG LIM NGUYEN TRAN LE PHAM HOANG "
    "HUYNH PHAN VU VO DANG BUI DO HO NGO DUONG SINGH KUMAR SHARMA PATEL GUPTA "
    "KHAN ALI AHMED HUSSAIN RAHMAN HOSSAIN ABDULLAH ALSAUD ALRASHID ELMASRI "
    "OKAFOR OKONKWO ADEYEMI MENSAH OWUSU KAMAU OTIENO MOHAMMED IBRAHIM HASSAN "
    "SILVA SANTOS OLIVEIRA SOUZA PEREIRA COSTA RODRIGUES ALMEIDA FERREIRA "
    "GOMES CARVALHO RIBEIRO MARTINS SOUSA FERNANDES DASILVA DOSSANTOS "
    "ONEILL MCDONALD OBRIEN MURPHY KELLY WALSH HORVATH NAGY TOTH SZABO "
    "NOVAK SVOBODA DVORAK POPESCU IONESCU DIMITROV GEORGIEV JOVANOVIC PETROVIC "
    "NIKOLAIDIS GUDMUNDSDOTTIR SIGURDSSON HOVHANNISYAN BERIDZE ALIYEV NAZARBAYEV "
    "TRUONG QUACH BATBAYAR GANBOLD SUKHBAATAR WIJAYA SANTOSO TANJUNG SUTANTO "
    "DELACRUZ REYES BAUTISTA AQUINO NAKASHIMA MORIYAMA VANDERMEULEN OSULLIVAN "
    "SCHWARZENEGGER WOLFESCHLEGELSTEINHAUSENBERGERDORFF"
).split()

GIVEN = (
    "ANNA MARIA ERIKA JOHN JAMES MICHAEL DAVID PETER PAUL MARK ANDREW THOMAS "
    "ELIZABETH MARY SARAH EMMA OLIVIA SOPHIA ISABELLA MIA CHARLOTTE AMELIA "
    "LUCAS LIAM NOAH OLIVER ELIJAH WILLIAM BENJAMIN HENRY ALEXANDER SEBASTIAN "
    "JOSE JUAN LUIS CARLOS JORGE PEDRO ANTONIO FRANCISCO JAVIER MIGUEL ANGEL "
    "HANS KLAUS JUERGEN STEFAN WOLFGANG UWE DIETER GUENTHER FRANZ KARL HEINZ "
    "PIOTR KRZYSZTOF TOMASZ MAREK AGNIESZKA KATARZYNA MALGORZATA IVAN SERGEI "
    "DMITRY ALEKSANDR VLADIMIR NATALIA OLGA TATIANA SVETLANA YULIIA OKSANA "
    "GIUSEPPE GIOVANNI FRANCESCO MARCO ALESSANDRO GIULIA CHIARA JEAN PIERRE "
    "MARIE NATHALIE ISABELLE CHRISTOPHE JAN PIETER DAAN SANNE LOTTE LARS NILS "
    "SVEN INGRID ASTRID BJORN MATTI JUHA AINO GEORGIOS DIMITRIOS ELENI MEHMET "
    "MUSTAFA AYSE FATMA AVRAHAM MOSHE YAEL WEI FANG MIN JING LEI JUN YAN HUI "
    "XIAOMING XIAOHONG JIANGUO YUXUAN ZIHAN HAORAN YUTONG HIROSHI TAKESHI YUKI "
    "SAKURA HARUTO YUTO MINJUN SEOYEON JIWOO HYUNWOO THANH HUONG MINH LINH "
    "RAHUL PRIYA AMIT SUNITA ARJUN DEEPIKA MUHAMMAD FATIMA AISHA OMAR YUSUF "
    "CHUKWUEMEKA NGOZI KWAME ABENA WANJIRU JOAO ANA FERNANDA RAFAEL GABRIEL "
    "LUCIA VALENTINA MATEO SANTIAGO SEAN SIOBHAN LASZLO ZSOFIA JIRI PETRA "
    "ION ANDREEA NIKOLA DRAGANA GIORGI NINO ARMAN AIGERIM BOLD ENKHJARGAL "
    "PUTRI AGUS MARIA<CLARA JOSE<MARIA ANNE<SOPHIE KARL<HEINZ"
).split()

DOC_TYPES_TD3 = ["P<", "P<", "P<", "PO", "PD", "PS", "PE", "PM", "PT", "PP"]
DOC_TYPES_TD1 = ["I<", "ID", "IA", "IR", "AC", "C<", "A<", "IP", "IT", "CR"]
DOC_TYPES_TD2 = ["I<", "ID", "IR", "A<", "C<", "IP", "AC"]


def char_value(c):
    if c == "<":
        return 0
    if c.isdigit():
        return ord(c) - 48
    return ord(c) - 55


def check_digit(s):
    w = (7, 3, 1)
    return str(sum(char_value(c) * w[i % 3] for i, c in enumerate(s)) % 10)


def _pick(rng, seq):
    return seq[int(rng.integers(len(seq)))]


def _rand_word(rng, lo=2, hi=12):
    cons = "BCDFGHJKLMNPRSTVWXYZ"
    vow = "AEIOUY"
    n = int(rng.integers(lo, hi + 1))
    out = []
    for i in range(n):
        out.append(_pick(rng, vow if (i % 2 == 1) ^ (rng.random() < 0.2) else cons))
    return "".join(out)


def _surname(rng):
    r = rng.random()
    if r < 0.55:
        s = _pick(rng, SURNAMES)
    elif r < 0.8:
        s = _rand_word(rng, 2, 14)
    else:  # double-barrelled / compound
        s = _pick(rng, SURNAMES) + "<" + (_pick(rng, SURNAMES) if rng.random() < 0.6 else _rand_word(rng, 2, 10))
    return s


def _given(rng):
    k = int(rng.choice([0, 1, 1, 1, 2, 2, 3]))
    parts = []
    for _ in range(k):
        parts.append(_pick(rng, GIVEN) if rng.random() < 0.7 else _rand_word(rng, 2, 10))
    return "<".join(parts)


def names_field(rng, width):
    sur = _surname(rng)
    giv = _given(rng)
    s = sur + ("<<" + giv if giv else "")
    if rng.random() < 0.03:  # only a primary identifier
        s = sur
    if len(s) > width:  # truncation as ICAO does (plain cut, sometimes last char kept)
        s = s[:width]
    return s.ljust(width, "<")


def _docnum(rng, n=9):
    style = rng.random()
    if style < 0.4:
        s = "".join(_pick(rng, DIGITS) for _ in range(n))
    elif style < 0.8:
        k = int(rng.integers(1, 4))
        s = "".join(_pick(rng, LETTERS) for _ in range(k)) + "".join(_pick(rng, DIGITS) for _ in range(n - k))
    else:
        s = "".join(_pick(rng, LETTERS + DIGITS) for _ in range(int(rng.integers(6, n + 1))))
    return s.ljust(n, "<")[:n]


def _date(rng):
    y = int(rng.integers(0, 100))
    m = int(rng.integers(1, 13))
    d = int(rng.integers(1, 29))
    s = "%02d%02d%02d" % (y, m, d)
    if rng.random() < 0.01:
        s = s[:2] + "<<<<" if rng.random() < 0.5 else "<<<<<<"
    return s


def _sex(rng):
    return _pick(rng, "MMMFFF<X")


def _optional(rng, n, chinese=False):
    r = rng.random()
    if chinese:
        k = min(n, 14)
        s = "".join(_pick(rng, LETTERS) for _ in range(k))
        if rng.random() < 0.5:
            s = s[: int(rng.integers(8, k + 1))]
        return s.ljust(n, "<")
    if r < 0.45:
        return "<" * n
    if r < 0.75:
        k = int(rng.integers(1, n + 1))
        return "".join(_pick(rng, DIGITS) for _ in range(k)).ljust(n, "<")
    k = int(rng.integers(1, n + 1))
    return "".join(_pick(rng, ALPHABET[1:]) for _ in range(k)).ljust(n, "<")


def td3(rng, visa=False):
    state = _pick(rng, STATES)
    nat = state if rng.random() < 0.8 else _pick(rng, STATES)
    chinese = (state == "CHN" and rng.random() < 0.7) or rng.random() < 0.05
    if chinese and not visa:
        state = nat = "CHN" if rng.random() < 0.8 else state
    t = ("V" + _pick(rng, "<<<<CDBT")) if visa else _pick(rng, DOC_TYPES_TD3)
    l1 = t + state + names_field(rng, 39)
    doc = _docnum(rng, 9)
    dob = _date(rng)
    exp = _date(rng)
    if visa:
        l2 = doc + check_digit(doc) + nat + dob + check_digit(dob) + _sex(rng) + exp + check_digit(exp) + _optional(rng, 16)
    else:
        opt = _optional(rng, 14, chinese=chinese)
        opt_cd = check_digit(opt) if (opt.strip("<") or rng.random() < 0.5) else "<"
        comp = doc + check_digit(doc) + dob + check_digit(dob) + exp + check_digit(exp) + opt + opt_cd
        l2 = doc + check_digit(doc) + nat + dob + check_digit(dob) + _sex(rng) + exp + check_digit(exp) + opt + opt_cd + check_digit(comp)
    return [l1, l2]


def td2(rng, visa=False):
    state = _pick(rng, STATES)
    nat = state if rng.random() < 0.8 else _pick(rng, STATES)
    t = ("V" + _pick(rng, "<<<<CDBT")) if visa else _pick(rng, DOC_TYPES_TD2)
    l1 = t + state + names_field(rng, 31)
    doc = _docnum(rng, 9)
    dob = _date(rng)
    exp = _date(rng)
    if visa:
        l2 = doc + check_digit(doc) + nat + dob + check_digit(dob) + _sex(rng) + exp + check_digit(exp) + _optional(rng, 8)
    else:
        opt = _optional(rng, 7)
        comp = doc + check_digit(doc) + dob + check_digit(dob) + exp + check_digit(exp) + opt
        l2 = doc + check_digit(doc) + nat + dob + check_digit(dob) + _sex(rng) + exp + check_digit(exp) + opt + check_digit(comp)
    return [l1, l2]


def td1(rng):
    state = _pick(rng, STATES)
    nat = state if rng.random() < 0.8 else _pick(rng, STATES)
    t = _pick(rng, DOC_TYPES_TD1)
    doc = _docnum(rng, 9)
    opt1 = _optional(rng, 15)
    l1 = t + state + doc + check_digit(doc) + opt1
    dob = _date(rng)
    exp = _date(rng)
    opt2 = _optional(rng, 11)
    upper = doc + check_digit(doc) + opt1 + dob + check_digit(dob) + exp + check_digit(exp) + opt2
    l2 = dob + check_digit(dob) + _sex(rng) + exp + check_digit(exp) + nat + opt2 + check_digit(upper)
    l3 = names_field(rng, 30)
    return [l1, l2, l3]


def random_line(rng, n):
    # random symbols with random runs of '<' (so runs and repeats are also seen out of grammar)
    out = []
    while len(out) < n:
        r = rng.random()
        if r < 0.15:
            out.extend("<" * int(rng.integers(2, 12)))
        elif r < 0.22:
            c = _pick(rng, ALPHABET)
            out.extend(c * int(rng.integers(2, 5)))
        else:
            out.append(_pick(rng, ALPHABET))
    return "".join(out[:n])


def sample_line(rng):
    """Return one MRZ line (44, 36 or 30 chars)."""
    r = rng.random()
    if r < 0.2:
        n = int(rng.choice([44, 44, 36, 30]))
        return random_line(rng, n)
    r = rng.random()
    if r < 0.40:
        lines = td3(rng)
    elif r < 0.50:
        lines = td3(rng, visa=True)
    elif r < 0.65:
        lines = td2(rng)
    elif r < 0.72:
        lines = td2(rng, visa=True)
    else:
        lines = td1(rng)
    return _pick(rng, lines)


if __name__ == "__main__":
    g = np.random.default_rng(1)
    for f in (td3, td2, td1):
        for l in f(g):
            print(len(l), l)
    for _ in range(10):
        s = sample_line(g)
        print(len(s), s)
