"""Who the users are: names in several scripts, emails, phones, documents, IPs, devices."""

from __future__ import annotations

import datetime as dt
import ipaddress
import itertools
import math
import random
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal
from functools import cache
from typing import Any

# --- Time -----------------------------------------------------------------------------------------
# Times are whole microseconds since 1970-01-01 UTC until they are rendered for the database.

_DAY = 86_400_000_000
_HOUR = 3_600_000_000
_MINUTE = 60_000_000
_EPOCH = dt.datetime(1970, 1, 1, tzinfo=dt.UTC)
_EPOCH_DATE = _EPOCH.date()


def _micros(year: int, month: int, day: int) -> int:
    return (dt.date(year, month, day) - _EPOCH_DATE).days * _DAY


START = _micros(2021, 1, 1)  # the exchange opens
SIGNUP_END = _micros(2026, 6, 1)  # the last registration
END = _micros(2026, 11, 1)  # the data stops (fixed: a build must not depend on today's date)
_FIRST_DAY = dt.date(1940, 1, 1)
_FIRST_DAY_NO = (_FIRST_DAY - _EPOCH_DATE).days


@cache
def _day_texts() -> tuple[str, ...]:
    return tuple((_FIRST_DAY + dt.timedelta(days=k)).isoformat() for k in range(95 * 366))


def _date_text(day: int) -> str:
    return _day_texts()[day - _FIRST_DAY_NO]


def _ts_text(us: int) -> str:
    """SQLAlchemy's SQLite storage form of a datetime: '2024-05-01 13:02:03.000042'."""
    day, rest = divmod(us, _DAY)
    seconds, micro = divmod(rest, 1_000_000)
    hours, seconds = divmod(seconds, 3600)
    minutes, seconds = divmod(seconds, 60)
    return f"{_date_text(day)} {hours:02d}:{minutes:02d}:{seconds:02d}.{micro:06d}"


def _ts_text_utc(us: int) -> str:
    return _ts_text(us) + "+00"


def _ts_object(us: int) -> dt.datetime:
    return _EPOCH + dt.timedelta(microseconds=us)


def _date_object(day: int) -> dt.date:
    return _EPOCH_DATE + dt.timedelta(days=day)


def _same(value: str) -> str:
    return value


@dataclass(frozen=True)
class _Style:
    """How values reach the database: text in its storage form for the bulk paths (SQLite's
    executemany, PostgreSQL's COPY), Python objects for SQLAlchemy Core."""

    ts: Callable[[int], Any]
    date: Callable[[int], Any]
    amount: Callable[[str], Any]


_STYLES = {
    "sqlite": _Style(_ts_text, _date_text, _same),
    "postgresql": _Style(_ts_text_utc, _date_text, _same),
    "core": _Style(_ts_object, _date_object, Decimal),
}


# --- Assets ---------------------------------------------------------------------------------------

CHAINS = ("ETH", "TRX", "BTC", "SOL", "XRP", "LTC")
# Share of users holding a deposit address on each chain, and how often each is used.
_CHAIN_SHARE = {"ETH": 0.85, "TRX": 0.55, "BTC": 0.6, "SOL": 0.3, "XRP": 0.2, "LTC": 0.12}
_CHAIN_USE = {"ETH": 3.0, "TRX": 3.5, "BTC": 2.0, "SOL": 1.5, "XRP": 1.0, "LTC": 0.6}
_CHAIN_ASSETS: dict[str, tuple[tuple[str, ...], tuple[float, ...]]] = {
    "ETH": (("ETH", "USDT", "USDC"), (0.45, 0.85, 1.0)),
    "TRX": (("USDT", "TRX"), (0.8, 1.0)),
    "BTC": (("BTC",), (1.0,)),
    "SOL": (("SOL", "USDC"), (0.7, 1.0)),
    "XRP": (("XRP",), (1.0,)),
    "LTC": (("LTC",), (1.0,)),
}
_INTERNAL_ASSETS = (("USDT", "USDC", "BTC", "ETH", "SOL", "TRX"), (0.6, 0.7, 0.8, 0.92, 0.97, 1.0))
_PRICE = {"BTC": 60_000.0, "ETH": 3_000.0, "USDT": 1.0, "USDC": 1.0}
_PRICE |= {"TRX": 0.15, "XRP": 0.6, "LTC": 80.0, "SOL": 150.0}
# Decimals kept (SQLite stores NUMERIC as a double: no more digits than it can hold).
_DECIMALS = {"BTC": 8, "ETH": 8, "USDT": 6, "USDC": 6, "TRX": 6, "XRP": 6, "LTC": 8, "SOL": 8}
_POOL = 400  # well-known outside addresses per chain: other exchanges, OTC desks, services


def _amount(rng: random.Random, asset: str, scale: float = 1.0) -> str:
    """A plausible amount, log-normal in US dollars (median about $200), often round."""
    decimals = _DECIMALS[asset]
    usd = min(math.exp(rng.gauss(5.3, 1.7)) * scale, 5e6)
    units = int(usd / _PRICE[asset] * 10**decimals) or 1
    if rng.random() < 0.35:  # people send round amounts: keep two significant digits
        step = 10 ** max(len(str(units)) - 2, 0)
        units = units // step * step
    whole, fraction = divmod(units, 10**decimals)
    if not fraction:
        return str(whole)
    return f"{whole}.{fraction:0{decimals}d}".rstrip("0")


# --- People ---------------------------------------------------------------------------------------


def _names(text: str) -> tuple[str, ...]:
    return tuple(text.split("|"))


_EN_GIVEN = _names(
    "Oliver|George|Harry|Jack|Charlie|Thomas|James|William|Amelia|Olivia|Isla|Emily|Sophie|"
    "Grace|Chloe|Zoë|Daniel|Hannah|Michael|Jessica|Matthew|Ashley|Noah|Emma|Liam|Ava|Ethan|Mia"
)
_EN_FAMILY = _names(
    "Smith|Jones|Taylor|Brown|Williams|Wilson|Johnson|Davies|Robinson|Wright|Thompson|Evans|"
    "Walker|White|Roberts|Green|Hall|Wood|O'Brien|Patel|Khan|Miller|Davis|Garcia|Rodriguez|"
    "Martinez|Anderson|Jackson|Nguyen|Kim|Lee|MacDonald"
)
_DE_GIVEN = _names(
    "Lukas|Leon|Jonas|Maximilian|Felix|Jürgen|Jörg|Uwe|Anna|Lena|Lea|Hannah|Sophie|Jana|"
    "Sören|Björn|Katharina|Käthe|Moritz|Paul|Marie"
)
_DE_FAMILY = _names(
    "Müller|Schmidt|Schneider|Fischer|Weber|Meyer|Wagner|Becker|Schulz|Hoffmann|Schäfer|Koch|"
    "Bauer|Richter|Klein|Wolf|Schröder|Neumann|Schwarz|Zimmermann|Braun|Krüger|Hartmann|Lange|"
    "Weiß|Köhler|Günther|Vogel"
)
_FR_GIVEN = _names(
    "Chloé|Léa|Manon|Camille|Inès|Zoé|Hélène|Amélie|Gabriel|Raphaël|Louis|Jules|Hugo|Noé|Théo|"
    "Étienne|François|Jérôme|Maëlle|Anaïs"
)
_FR_FAMILY = _names(
    "Martin|Bernard|Dubois|Thomas|Robert|Richard|Petit|Durand|Leroy|Moreau|Simon|Laurent|"
    "Lefèvre|Michel|Fontaine|Chevalier|Girard|Bonnet|Lefebvre|Rousseau|Faure|Mercier"
)
_ES_GIVEN = _names(
    "José|María|Lucía|Martín|Álvaro|Sofía|Javier|Paula|Hugo|Andrés|Nerea|Íñigo|Carmen|Raúl"
)
_ES_FAMILY = _names(
    "García|Rodríguez|González|Fernández|López|Martínez|Sánchez|Pérez|Gómez|Jiménez|Ruiz|"
    "Hernández|Díaz|Muñoz|Álvarez|Romero|Núñez|Ortega"
)
_IT_GIVEN = _names(
    "Giuseppe|Giovanni|Antonio|Francesco|Luca|Marco|Giulia|Sofia|Chiara|Francesca|Niccolò|Aurora"
)
_IT_FAMILY = _names(
    "Rossi|Russo|Ferrari|Esposito|Bianchi|Romano|Colombo|Ricci|Marino|Greco|Bruno|Gallo|Conti|"
    "De Luca|Costa|Mancini|Lombardi"
)
_NL_GIVEN = _names("Daan|Sem|Lucas|Bram|Emma|Julia|Tess|Sanne|Anouk|Joël|Fenna|Thijs")
_NL_FAMILY = _names(
    "de Jong|Jansen|de Vries|van den Berg|van Dijk|Bakker|Janssen|Visser|Smit|Meijer|de Boer|Mulder"
)
_PL_GIVEN = _names(
    "Jakub|Kacper|Szymon|Michał|Łukasz|Paweł|Zofia|Julia|Małgorzata|Agnieszka|Katarzyna|Wojciech"
)
_PL_FAMILY = _names(
    "Nowak|Kowalski|Wiśniewski|Wójcik|Kowalczyk|Kamiński|Lewandowski|Zieliński|Szymański|"
    "Woźniak|Dąbrowski|Kozłowski"
)
_TR_GIVEN = _names("Mehmet|Mustafa|Ahmet|Ali|Hüseyin|Emre|Zeynep|Elif|Ayşe|Fatma|Büşra|Çağla")
_TR_FAMILY = _names(
    "Yılmaz|Kaya|Demir|Şahin|Çelik|Yıldız|Yıldırım|Öztürk|Aydın|Özdemir|Arslan|Doğan|Kılıç|Çetin"
)
_BR_GIVEN = _names(
    "João|Maria|José|Ana|Pedro|Lucas|Gabriel|Júlia|Luíza|Letícia|Matheus|Guilherme|Beatriz|Antônio"
)
_BR_FAMILY = _names(
    "Silva|Santos|Oliveira|Souza|Rodrigues|Ferreira|Alves|Pereira|Lima|Gomes|Ribeiro|Carvalho|"
    "Araújo|Conceição|Gonçalves"
)
_NG_GIVEN = _names(
    "Chukwuemeka|Oluwaseun|Adebayo|Ngozi|Chiamaka|Emeka|Funmilayo|Ifeoma|Tunde|Yusuf|Aisha|Ibrahim"
)
_NG_FAMILY = _names(
    "Okafor|Adeyemi|Okonkwo|Balogun|Eze|Nwosu|Ogunleye|Bello|Abubakar|Okoro|Adewale|Obi"
)
_IN_GIVEN = _names(
    "Aarav|Vivaan|Aditya|Arjun|Rohan|Priya|Ananya|Diya|Isha|Saanvi|Rahul|Amit|Sunita|Deepak"
)
_IN_FAMILY = _names(
    "Sharma|Verma|Gupta|Patel|Singh|Kumar|Reddy|Iyer|Nair|Mehta|Joshi|Agarwal|Das|Rao"
)
_VN_FAMILY = _names("Nguyễn|Trần|Lê|Phạm|Hoàng|Huỳnh|Phan|Vũ|Võ|Đặng|Bùi|Đỗ")
_VN_GIVEN = _names(
    "Văn Anh|Thị Bảo|Minh Châu|Đức Dũng|Thị Hà|Văn Hải|Thị Hương|Minh Khánh|Thùy Linh|"
    "Hoàng Long|Thị Mai|Văn Nam|Thu Phương|Minh Quân|Thị Thảo|Thu Trang|Anh Tuấn"
)
_KR_FAMILY = _names("Kim|Lee|Park|Choi|Jung|Kang|Cho|Yoon|Jang|Lim")
_KR_GIVEN = _names(
    "Min-jun|Seo-yeon|Ji-ho|Ha-eun|Do-yun|Seo-jun|Ji-woo|Su-bin|Ye-jin|Hyun-woo|Ji-hoon"
)
_JP_GIVEN = _names("Haruto|Yuto|Sota|Yūki|Hinata|Yui|Aoi|Sakura|Rin|Kōji|Shōta|Ren")
_JP_FAMILY = _names(
    "Satō|Suzuki|Takahashi|Tanaka|Watanabe|Itō|Yamamoto|Nakamura|Kobayashi|Katō|Yoshida"
)
_AE_GIVEN = _names("Mohammed|Ahmed|Omar|Khalid|Fatima|Mariam|Aisha|Layla|Saeed|Hamad")
_AE_FAMILY = _names("Al Hashimi|Al Falasi|Al Mazrouei|Al Suwaidi|Al Ketbi|Haddad|Khoury|Al Shamsi")
_SG_GIVEN = _names("Muhammad|Nur|Siti|Aaron|Rajesh|Priya|Farhan|Aisyah|Kumar|Nurul")
_SG_FAMILY = _names("Abdullah|Rahman|Ismail|Tan|Lim|Pillai|Menon|Hassan|Yusof")

# Chinese names: (pinyin, simplified, traditional). Every pinyin is what pypinyin reads from
# the characters (a test checks), so matching "Wang Wei" to "王伟" is the resolver's job.
_CN_FAMILY = (
    ("Wang", "王", "王"), ("Li", "李", "李"), ("Zhang", "张", "張"), ("Liu", "刘", "劉"),
    ("Chen", "陈", "陳"), ("Yang", "杨", "楊"), ("Huang", "黄", "黃"), ("Zhao", "赵", "趙"),
    ("Wu", "吴", "吳"), ("Zhou", "周", "周"), ("Xu", "徐", "徐"), ("Sun", "孙", "孫"),
    ("Ma", "马", "馬"), ("Zhu", "朱", "朱"), ("Hu", "胡", "胡"), ("Guo", "郭", "郭"),
    ("He", "何", "何"), ("Lin", "林", "林"), ("Luo", "罗", "羅"), ("Gao", "高", "高"),
    ("Zheng", "郑", "鄭"), ("Liang", "梁", "梁"), ("Xie", "谢", "謝"), ("Song", "宋", "宋"),
    ("Tang", "唐", "唐"), ("Han", "韩", "韓"), ("Feng", "冯", "馮"), ("Deng", "邓", "鄧"),
    ("Cao", "曹", "曹"), ("Peng", "彭", "彭"), ("Ouyang", "欧阳", "歐陽"), ("Situ", "司徒", "司徒"),
)  # fmt: skip
_CN_GIVEN = (
    ("Wei", "伟", "偉"), ("Fang", "芳", "芳"), ("Min", "敏", "敏"), ("Jing", "静", "靜"),
    ("Lei", "磊", "磊"), ("Jun", "军", "軍"), ("Yang", "洋", "洋"), ("Yong", "勇", "勇"),
    ("Yan", "艳", "艷"), ("Jie", "杰", "傑"), ("Tao", "涛", "濤"), ("Ming", "明", "明"),
    ("Chao", "超", "超"), ("Hui", "慧", "慧"), ("Ying", "颖", "穎"), ("Hao", "浩", "浩"),
    ("Yu", "宇", "宇"), ("Na", "娜", "娜"), ("Qiang", "强", "強"), ("Lin", "琳", "琳"),
    ("Xiaoming", "晓明", "曉明"), ("Jianguo", "建国", "建國"), ("Zihan", "梓涵", "梓涵"),
    ("Yuxuan", "宇轩", "宇軒"), ("Haoran", "浩然", "浩然"), ("Xinyi", "欣怡", "欣怡"),
    ("Jiahui", "佳慧", "佳慧"), ("Zhiwei", "志伟", "志偉"), ("Meiling", "美玲", "美玲"),
    ("Junjie", "俊杰", "俊傑"), ("Yiming", "一鸣", "一鳴"), ("Shuhua", "淑华", "淑華"),
    ("Guoqiang", "国强", "國強"), ("Xiuying", "秀英", "秀英"), ("Zhiqiang", "志强", "志強"),
    ("Wenjing", "文静", "文靜"), ("Kaiwen", "凯文", "凱文"), ("Zixuan", "子轩", "子軒"),
    ("Ruoxi", "若汐", "若汐"), ("Yutong", "雨桐", "雨桐"),
)  # fmt: skip

_GLOBAL_MAIL = ("gmail.com", "outlook.com", "yahoo.com", "icloud.com", "proton.me", "hotmail.com")


@dataclass(frozen=True)
class _Country:
    code: str
    weight: float
    # western: "Given Family"; family_first: "Family Given"; chinese: pinyin + characters;
    # iberian: often two family names; polish: feminine -ska/-cka; singapore: Chinese or not.
    style: str
    given: tuple[str, ...]
    family: tuple[str, ...]
    # (prefix, digits after it, lowest allowed value of those digits): mobile ranges that
    # libphonenumber accepts as valid for the country (a test checks every number).
    phones: tuple[tuple[str, int, int], ...]
    mail: tuple[str, ...]
    registry: str  # the regional internet registry its IP addresses come from
    hant: bool = False  # Chinese names written in traditional characters


def _mobiles(digits: int, *prefixes: str, low: int = 0) -> tuple[tuple[str, int, int], ...]:
    return tuple((prefix, digits, low) for prefix in prefixes)


_GB_PHONES = _mobiles(7, *(f"+4477{d}" for d in "1234567"), "+44780", "+44781", "+44785")
_GB_PHONES += _mobiles(7, "+44786", "+44790", "+44794", "+44795", "+44797", "+44798")
_US_PHONES = _mobiles(7, "+1212", "+1305", "+1415", "+1646", "+1917", low=2_000_000)
COUNTRIES = (
    _Country("CN", 14, "chinese", (), (), _mobiles(8, "+86138", "+86139", "+86135", "+86186",
             "+86150", "+86188", "+86177"), ("qq.com", "163.com", "126.com", "sina.com",
             "gmail.com"), "apnic"),
    _Country("HK", 8, "chinese", (), (), _mobiles(6, "+85261", "+85263", "+85294", "+85297"),
             ("gmail.com", "yahoo.com.hk", "netvigator.com", "outlook.com"), "apnic", hant=True),
    _Country("TW", 4, "chinese", (), (), _mobiles(8, "+8869"), ("gmail.com", "yahoo.com.tw",
             "hotmail.com"), "apnic", hant=True),
    _Country("SG", 4, "singapore", _SG_GIVEN, _SG_FAMILY, _mobiles(6, "+6581", "+6583", "+6585",
             "+6587", "+6590", "+6591", "+6592", "+6593", "+6596", "+6597", "+6598"),
             ("gmail.com", "singnet.com.sg", "outlook.com"), "apnic"),
    _Country("GB", 8, "western", _EN_GIVEN, _EN_FAMILY, _GB_PHONES, ("gmail.com", "outlook.com",
             "hotmail.co.uk", "yahoo.co.uk", "icloud.com", "btinternet.com"), "ripe"),
    _Country("DE", 7, "western", _DE_GIVEN, _DE_FAMILY, (*_mobiles(8, "+49151", "+49152",
             "+49157", "+49159", "+49176"), *_mobiles(7, "+49160", "+49170")), ("gmail.com",
             "gmx.de", "web.de", "t-online.de"), "ripe"),
    _Country("CH", 2, "western", _FR_GIVEN + _DE_GIVEN, _DE_FAMILY + _FR_FAMILY, _mobiles(7,
             "+4176", "+4177", "+4178", "+4179"), ("gmail.com", "bluewin.ch", "gmx.ch"), "ripe"),
    _Country("FR", 6, "western", _FR_GIVEN, _FR_FAMILY, _mobiles(7, *(f"+336{d}" for d in
             "0124568"), *(f"+337{d}" for d in "3456789")), ("gmail.com", "orange.fr",
             "free.fr", "laposte.net"), "ripe"),
    _Country("ES", 4, "iberian", _ES_GIVEN, _ES_FAMILY, _mobiles(7, "+3461", "+3462", "+3465"),
             ("gmail.com", "hotmail.es", "yahoo.es"), "ripe"),
    _Country("IT", 3, "western", _IT_GIVEN, _IT_FAMILY, _mobiles(8, "+3932", "+3933", "+3934",
             "+3935", "+3938", "+3939"), ("gmail.com", "libero.it", "virgilio.it"), "ripe"),
    _Country("NL", 3, "western", _NL_GIVEN, _NL_FAMILY, _mobiles(7, "+3161", "+3162", "+3164",
             "+3165", "+3168"), ("gmail.com", "ziggo.nl", "kpnmail.nl"), "ripe"),
    _Country("PL", 3, "polish", _PL_GIVEN, _PL_FAMILY, _mobiles(7, "+4850", "+4851", "+4853",
             "+4860", "+4866", "+4869", "+4879"), ("gmail.com", "wp.pl", "onet.pl"), "ripe"),
    _Country("TR", 5, "western", _TR_GIVEN, _TR_FAMILY, _mobiles(7, "+90532", "+90533",
             "+90542", "+90555", "+90505"), ("gmail.com", "hotmail.com", "yandex.com.tr"),
             "ripe"),
    _Country("AE", 2, "western", _AE_GIVEN, _AE_FAMILY, _mobiles(7, "+97150", "+97152",
             "+97155", "+97156"), _GLOBAL_MAIL, "ripe"),
    _Country("US", 8, "western", _EN_GIVEN, _EN_FAMILY, _US_PHONES, _GLOBAL_MAIL, "arin"),
    _Country("CA", 2, "western", _EN_GIVEN + _FR_GIVEN, _EN_FAMILY + _FR_FAMILY, _mobiles(7,
             "+1416", "+1604", low=2_000_000), _GLOBAL_MAIL, "arin"),
    _Country("BR", 5, "iberian", _BR_GIVEN, _BR_FAMILY, _mobiles(8, "+55119", "+55219"),
             ("gmail.com", "hotmail.com", "uol.com.br", "bol.com.br"), "lacnic"),
    _Country("NG", 4, "western", _NG_GIVEN, _NG_FAMILY, _mobiles(7, "+234803", "+234806",
             "+234813", "+234703"), ("gmail.com", "yahoo.com"), "afrinic"),
    _Country("IN", 5, "western", _IN_GIVEN, _IN_FAMILY, _mobiles(8, "+9190", "+9197", "+9198",
             "+9199"), ("gmail.com", "yahoo.co.in", "rediffmail.com"), "apnic"),
    _Country("VN", 5, "family_first", _VN_GIVEN, _VN_FAMILY, _mobiles(7, "+8490", "+8491",
             "+8493", "+8497", "+8498"), ("gmail.com", "yahoo.com.vn"), "apnic"),
    _Country("KR", 4, "family_first", _KR_GIVEN, _KR_FAMILY, _mobiles(7, *(f"+8210{d}" for d in
             "12346789")), ("naver.com", "daum.net", "gmail.com"), "apnic"),
    _Country("JP", 3, "western", _JP_GIVEN, _JP_FAMILY, (*_mobiles(8, "+8180"), *_mobiles(7,
             "+81901", "+81902", "+81903", "+81908", "+81701", "+81703")), ("gmail.com",
             "yahoo.co.jp", "docomo.ne.jp"), "apnic"),
    _Country("AU", 3, "western", _EN_GIVEN, _EN_FAMILY, _mobiles(7, "+6140", "+6141", "+6142",
             "+6143", "+6146"), ("gmail.com", "bigpond.com", "outlook.com"), "apnic"),
)  # fmt: skip
_COUNTRY_CUM = tuple(itertools.accumulate(c.weight for c in COUNTRIES))

_ASCII_EXTRA = str.maketrans(
    {"ß": "ss", "ø": "o", "Ø": "O", "æ": "ae", "Æ": "AE", "ł": "l", "Ł": "L", "đ": "d", "Đ": "D",
     "ı": "i", "œ": "oe"}
)  # fmt: skip


@cache
def _ascii(text: str) -> str:
    """A name as people type it into an email address: no diacritics, spaces or apostrophes."""
    decomposed = unicodedata.normalize("NFKD", text.translate(_ASCII_EXTRA))
    return "".join(c for c in decomposed if c.isascii() and c.isalnum())


def _skewed(rng: random.Random, options: tuple[Any, ...]) -> Any:
    """A choice favouring the first options, as surnames are (many Wangs, few Situs)."""
    return options[int(len(options) * rng.random() ** 1.8)]


def _person(rng: random.Random, country: _Country) -> tuple[str, str | None, str, str]:
    """(name as on the account, name in Chinese characters or None, given name and family name
    folded to ASCII for the email)."""
    if country.style == "chinese" or (country.style == "singapore" and rng.random() < 0.7):
        family = _skewed(rng, _CN_FAMILY)
        given = rng.choice(_CN_GIVEN)
        script = 2 if country.hant else 1
        return (
            f"{family[0]} {given[0]}",
            family[script] + given[script],
            _ascii(given[0]).lower(),
            _ascii(family[0]).lower(),
        )
    given_name = rng.choice(country.given)
    family_name = _skewed(rng, country.family)
    if country.style == "family_first":
        name = f"{family_name} {given_name}"
    elif country.style == "iberian" and rng.random() < 0.6:
        name = f"{given_name} {family_name} {_skewed(rng, country.family)}"
    else:
        if (
            country.style == "polish"
            and given_name.endswith("a")
            and family_name.endswith(("ski", "cki"))
        ):
            family_name = family_name[:-1] + "a"  # Kowalski -> Kowalska
        name = f"{given_name} {family_name}"
    given_ascii = _ascii(given_name.split(" ")[-1]).lower()
    return name, None, given_ascii, _ascii(family_name).lower()


_MAIL_TAGS = ("crypto", "exchange", "trade", "btc", "kyc")


def _email(
    rng: random.Random, number: int, given: str, family: str, domains: tuple[str, ...]
) -> str:
    """Unique (``number`` is), in the forms people type, kept as typed: capitals, dots, tags."""
    domain = _skewed(rng, domains)
    if domain == "qq.com":
        return f"{10_000 + number}@qq.com"
    pick = rng.random()
    if pick < 0.30:
        local = f"{given}.{family}{number}"
    elif pick < 0.45:
        local = f"{given}{family}{number}"
    elif pick < 0.55:
        local = f"{given[0]}{family}{number}"
    elif pick < 0.63:
        local = f"{given}_{family}{number}"
    elif pick < 0.75:
        local = f"{given.capitalize()}.{family.capitalize()}{number}"
    elif pick < 0.85:
        local = f"{given}.{family}{number}+{rng.choice(_MAIL_TAGS)}"
    elif pick < 0.88:
        return f"{given}.{family}{number}@{domain}".upper()
    else:
        local = f"{family}.{given}{number}"
    return f"{local}@{domain}"


# Country-typical national identity numbers (the KYC document), the rest generic.
_CN_REGIONS = ("110101", "310104", "440305", "440106", "330106", "510107", "420102", "320102")
_CN_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)


def _document(rng: random.Random, country: str, dob: str) -> tuple[str, str]:
    pick = rng.random()
    if pick < 0.6:
        return "passport", f"{rng.choice('CEGKLMNPRT')}{rng.randrange(10**7, 10**8)}"
    if pick < 0.9:
        if country == "CN":  # 18-digit resident identity card, ISO 7064 MOD 11-2 check
            body = f"{rng.choice(_CN_REGIONS)}{dob.replace('-', '')}{rng.randrange(1000):03d}"
            total = sum(int(d) * w for d, w in zip(body, _CN_ID_WEIGHTS, strict=True))
            return "national_id", body + "10X98765432"[total % 11]
        if country == "HK":  # HKID: a letter, six digits, a check digit in brackets
            letter, digits = rng.choice("ACDEGHKMPRVZ"), f"{rng.randrange(10**6):06d}"
            total = 36 * 9 + (ord(letter) - 55) * 8
            total += sum(int(d) * (7 - k) for k, d in enumerate(digits))
            check = (11 - total % 11) % 11
            return "national_id", f"{letter}{digits}({'A' if check == 10 else check})"
        return "national_id", f"{country}{rng.randrange(10**9, 10**10)}"
    return "driving_licence", f"{country}{rng.randrange(10**11, 10**12)}"


# --- Access: IP addresses, devices, user agents ---------------------------------------------------

# First octets (IPv4) and first hextets (IPv6) each registry allocates from, none of them in a
# private, shared, documentation or reserved range.
_IPV4_FIRST = {
    "apnic": (1, 14, 27, 36, 39, 42, 49, 58, 59, 60, 61, 101, 106, 110, 111, 112, 113, 114, 115,
              116, 117, 118, 119, 120, 121, 122, 123, 124, 125, 175, 180, 182, 183, 210, 211,
              218, 219, 220, 221, 222, 223),
    "ripe": (2, 5, 31, 37, 46, 62, 77, 78, 79, 80, 81, 82, 83, 84, 85, 86, 87, 88, 89, 90, 91,
             92, 93, 94, 95, 109, 176, 178, 185, 188, 193, 194, 195, 212, 213, 217),
    "arin": (3, 4, 8, 12, 23, 24, 50, 63, 64, 65, 66, 67, 68, 69, 70, 71, 72, 73, 74, 75, 76, 96,
             97, 98, 99, 104, 107, 108, 173, 174, 184, 199, 204, 205, 206, 207, 208, 209),
    "lacnic": (177, 179, 181, 186, 187, 189, 190, 191, 200, 201),
    "afrinic": (41, 102, 105, 154, 196, 197),
}  # fmt: skip
_IPV6_FIRST = {
    "apnic": (0x2400, 0x2401, 0x2402, 0x2403, 0x2404, 0x2405, 0x2406, 0x2407, 0x2408, 0x240E),
    "ripe": (0x2A00, 0x2A01, 0x2A02, 0x2A03, 0x2A04, 0x2A05),
    "arin": (0x2600, 0x2601, 0x2602, 0x2603, 0x2604, 0x2605, 0x2606, 0x2607, 0x2620),
    "lacnic": (0x2800, 0x2801, 0x2803, 0x2804),
    "afrinic": (0x2C0F,),
}
_REGISTRIES = tuple(_IPV4_FIRST)


def _ipv4(rng: random.Random, registry: str) -> str:
    firsts = _IPV4_FIRST[registry]
    first, rest = firsts[rng.randrange(len(firsts))], rng.getrandbits(24)
    return f"{first}.{rest >> 16}.{rest >> 8 & 255}.{1 + (rest & 255) % 254}"


def _ipv6(rng: random.Random, registry: str) -> str:
    firsts = _IPV6_FIRST[registry]
    value = firsts[rng.randrange(len(firsts))] << 112 | rng.getrandbits(112)
    return str(ipaddress.IPv6Address(value))  # the canonical compressed form


_APP = "ExchangeApp"
_APP_VERSIONS = ("5.2.0", "5.3.1", "5.4.2", "5.6.0", "6.0.1")
_IPHONES = (
    ("iPhone14,5", "16.6"), ("iPhone15,2", "17.4.1"), ("iPhone15,3", "17.5"),
    ("iPhone16,1", "17.6.1"), ("iPhone16,2", "18.0"), ("iPhone17,1", "18.1"),
)  # fmt: skip
_ANDROIDS = (
    ("SM-S918B", "14"), ("SM-A546B", "14"), ("Pixel 8", "14"), ("Pixel 7a", "14"),
    ("22101316G", "13"), ("V2227A", "13"), ("CPH2451", "14"), ("M2012K11AG", "12"),
)  # fmt: skip
_CHROME = "Mozilla/5.0 ({}) AppleWebKit/537.36 (KHTML, like Gecko) Chrome/{} Safari/537.36"
_USER_AGENTS = {
    "ios": tuple(
        f"{_APP}/{v} (iPhone; {model}; iOS {os_}; Scale/3.00)"
        for model, os_ in _IPHONES
        for v in _APP_VERSIONS
    ),
    "android": tuple(
        f"okhttp/4.12.0 {_APP}/{v} (Linux; Android {os_}; {model})"
        for model, os_ in _ANDROIDS
        for v in _APP_VERSIONS
    ),
    "web": (
        _CHROME.format("Windows NT 10.0; Win64; x64", "124.0.0.0"),
        _CHROME.format("Windows NT 10.0; Win64; x64", "131.0.0.0"),
        _CHROME.format("Macintosh; Intel Mac OS X 10_15_7", "128.0.0.0"),
        _CHROME.format("X11; Linux x86_64", "126.0.0.0"),
        "Mozilla/5.0 (Macintosh; Intel Mac OS X 10_15_7) AppleWebKit/605.1.15 (KHTML, like Gecko)"
        " Version/17.4 Safari/605.1.15",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64; rv:128.0) Gecko/20100101 Firefox/128.0",
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/130.0.0.0 Safari/537.36 Edg/130.0.0.0",
        "Mozilla/5.0 (Linux; Android 14; SM-S918B) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/127.0.0.0 Mobile Safari/537.36",
    ),
}
