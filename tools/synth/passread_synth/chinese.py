"""Chinese mainland e-passport data: name characters with pinyin, places, authorities, date format."""
from __future__ import annotations

import datetime as dt

from .data import MONTHS, rand_date
from .rng import chance, pick

_SURNAMES = """王WANG 李LI 张ZHANG 刘LIU 陈CHEN 杨YANG 黄HUANG 赵ZHAO 吴WU 周ZHOU 徐XU 孙SUN 马MA 朱ZHU 胡HU 郭GUO
何HE 高GAO 林LIN 罗LUO 郑ZHENG 梁LIANG 谢XIE 宋SONG 唐TANG 许XU 韩HAN 冯FENG 邓DENG 曹CAO 彭PENG 曾ZENG 肖XIAO
田TIAN 董DONG 袁YUAN 潘PAN 于YU 蒋JIANG 蔡CAI 余YU 杜DU 叶YE 程CHENG 苏SU 魏WEI 丁DING 任REN 沈SHEN 姚YAO 卢LU
姜JIANG 崔CUI 钟ZHONG 谭TAN 陆LU 汪WANG 范FAN 金JIN 石SHI 廖LIAO 贾JIA 夏XIA 韦WEI 付FU 方FANG 白BAI 邹ZOU 孟MENG
熊XIONG 秦QIN 邱QIU 江JIANG 尹YIN 薛XUE 闫YAN 段DUAN 雷LEI 侯HOU 龙LONG 史SHI 陶TAO 黎LI 贺HE 顾GU 毛MAO 郝HAO
龚GONG 邵SHAO 万WAN 钱QIAN 严YAN 覃QIN 武WU 戴DAI 莫MO 孔KONG 向XIANG 汤TANG 常CHANG 温WEN 康KANG 施SHI 文WEN
牛NIU 樊FAN 葛GE 邢XING 安AN 齐QI 易YI 乔QIAO 伍WU 庞PANG 颜YAN 倪NI 庄ZHUANG 聂NIE 章ZHANG 鲁LU 岳YUE 翟ZHAI
殷YIN 詹ZHAN 申SHEN 欧阳OUYANG 司马SIMA 诸葛ZHUGE 上官SHANGGUAN 皇甫HUANGFU"""

_GIVEN = """伟WEI 芳FANG 娜NA 敏MIN 静JING 丽LI 强QIANG 磊LEI 军JUN 洋YANG 勇YONG 艳YAN 杰JIE 娟JUAN 涛TAO 明MING
超CHAO 秀XIU 霞XIA 平PING 刚GANG 桂GUI 英YING 华HUA 玉YU 兰LAN 红HONG 建JIAN 国GUO 文WEN 辉HUI 力LI 鹏PENG 宇YU
浩HAO 然RAN 子ZI 轩XUAN 梓ZI 涵HAN 欣XIN 怡YI 萱XUAN 雨YU 思SI 佳JIA 琪QI 嘉JIA 博BO 睿RUI 晨CHEN 阳YANG 宁NING
凯KAI 斌BIN 鑫XIN 飞FEI 鹤HE 海HAI 波BO 峰FENG 林LIN 森SEN 松SONG 柏BAI 梅MEI 竹ZHU 菊JU 莲LIAN 荷HE 春CHUN 夏XIA
秋QIU 冬DONG 东DONG 南NAN 西XI 北BEI 天TIAN 山SHAN 川CHUAN 江JIANG 河HE 湖HU 泉QUAN 溪XI 云YUN 雪XUE 霖LIN 露LU
晴QING 星XING 月YUE 光GUANG 亮LIANG 晶JING 莹YING 璐LU 瑶YAO 琳LIN 珊SHAN 珍ZHEN 珠ZHU 宝BAO 贵GUI 富FU 福FU 寿SHOU
喜XI 庆QING 祥XIANG 瑞RUI 吉JI 安AN 康KANG 健JIAN 泰TAI 和HE 顺SHUN 利LI 成CHENG 功GONG 志ZHI 远YUAN 鸿HONG 德DE
仁REN 义YI 礼LI 智ZHI 信XIN 忠ZHONG 孝XIAO 诚CHENG 俊JUN 豪HAO 雄XIONG 威WEI 武WU 彬BIN 斐FEI 达DA 航HANG 帆FAN
舟ZHOU 翔XIANG 腾TENG 龙LONG 凤FENG 麟LIN 虎HU 鹰YING 燕YAN 莺YING 鸣MING 歌GE 舞WU 诗SHI 书SHU 画HUA 琴QIN 棋QI
墨MO 笛DI 韵YUN 音YIN 声SHENG 语YU 言YAN 心XIN 意YI 情QING 爱AI 恩EN 惠HUI 慧HUI 聪CONG 颖YING 敬JING 恒HENG
永YONG 久JIU 新XIN 立LI 正ZHENG 中ZHONG 一YI 二ER 三SAN 四SI 五WU 六LIU 七QI 八BA 九JIU 百BAI 千QIAN 小XIAO 大DA
少SHAO 世SHI 家JIA 振ZHEN 兴XING 旺WANG 昌CHANG 盛SHENG 茂MAO 荣RONG 耀YAO 辰CHEN 宸CHEN 泽ZE 润RUN 沐MU 泓HONG
清QING 澄CHENG 源YUAN 淼MIAO 瀚HAN 渊YUAN 沛PEI 洁JIE 冰BING 凌LING 霜SHUANG 岚LAN 峻JUN 岩YAN 坤KUN 培PEI 基JI
城CHENG 金JIN 银YIN 铭MING 锋FENG 钧JUN 铮ZHENG 锦JIN 钰YU 键JIAN 木MU 桐TONG 楠NAN 桦HUA 杉SHAN 槿JIN 榕RONG
樱YING 芝ZHI 芸YUN 芷ZHI 若RUO 茜QIAN 茹RU 莉LI 菲FEI 萍PING 蓉RONG 蕾LEI 薇WEI 蓝LAN 青QING 丹DAN 彤TONG 紫ZI
翠CUI 素SU 白BAI 黛DAI 婷TING 婉WAN 娇JIAO 媛YUAN 婕JIE 妍YAN 姗SHAN 姝SHU 娅YA 倩QIAN 俪LI 依YI 伊YI 佩PEI
欢HUAN 笑XIAO 悦YUE 恬TIAN 宜YI 宏HONG 宽KUAN 容RONG 宣XUAN 宪XIAN 宗ZONG 宙ZHOU 守SHOU 实SHI 胜SHENG 伦LUN
佑YOU 俭JIAN 修XIU 伯BO 仲ZHONG 季JI 秉BING 承CHENG 继JI 绍SHAO 纪JI 维WEI 绮QI 缘YUAN 晓XIAO 曦XI 晖HUI 暖NUAN
旭XU 昊HAO 昕XIN 昭ZHAO 晟SHENG 晗HAN 景JING 曼MAN 朗LANG 望WANG 期QI 梦MENG 楚CHU 欧OU 毅YI 民MIN 汉HAN 沁QIN
治ZHI 泳YONG 洪HONG 洲ZHOU 浪LANG 涌YONG 淑SHU 淳CHUN 渝YU 湘XIANG 滨BIN 潇XIAO 灵LING 炎YAN 烨YE 焕HUAN 煜YU
熙XI 燃RAN 爽SHUANG 玲LING 珏JUE 琦QI 琛CHEN 瑜YU 璇XUAN 环HUAN 田TIAN 甜TIAN 畅CHANG 皓HAO 盈YING 真ZHEN 知ZHI
硕SHUO 碧BI 祖ZU 程CHENG 稳WEN 童TONG 端DUAN 笙SHENG 筱XIAO 简JIAN 纯CHUN 纳NA 绪XU 翰HAN 翼YI 育YU 胤YIN 舒SHU
良LIANG 艺YI 苗MIAO 蔚WEI 虹HONG 蝶DIE 融RONG 裕YU 谦QIAN 豫YU 贤XIAN 赫HE 越YUE 跃YUE 迪DI 逸YI 道DAO 邦BANG
醇CHUN 钦QIN 铁TIE 锐RUI 闻WEN 阔KUO 隆LONG 雅YA 雯WEN 震ZHEN 霄XIAO 靖JING 韬TAO 颂SONG 馨XIN 骏JUN 魁KUI 黎LI
鼎DING 齐QI 卫WEI 光GUANG 启QI 君JUN 奇QI 妮NI 学XUE 宁NING 岳YUE 帅SHUAI 建JIAN 彦YAN 思SI 慈CI 振ZHEN 敏MIN"""


def _table(text: str) -> list[tuple[str, str]]:
    out, seen = [], set()
    for tok in text.split():
        han = "".join(c for c in tok if ord(c) > 0x2E80)
        py = tok[len(han):]
        if han not in seen:
            seen.add(han)
            out.append((han, py))
    return out


SURNAMES = _table(_SURNAMES)
GIVEN_CHARS = _table(_GIVEN)

PROVINCES = [("北京", "BEIJING"), ("天津", "TIANJIN"), ("河北", "HEBEI"), ("山西", "SHANXI"), ("内蒙古", "NEI MONGOL"),
             ("辽宁", "LIAONING"), ("吉林", "JILIN"), ("黑龙江", "HEILONGJIANG"), ("上海", "SHANGHAI"), ("江苏", "JIANGSU"),
             ("浙江", "ZHEJIANG"), ("安徽", "ANHUI"), ("福建", "FUJIAN"), ("江西", "JIANGXI"), ("山东", "SHANDONG"),
             ("河南", "HENAN"), ("湖北", "HUBEI"), ("湖南", "HUNAN"), ("广东", "GUANGDONG"), ("广西", "GUANGXI"),
             ("海南", "HAINAN"), ("重庆", "CHONGQING"), ("四川", "SICHUAN"), ("贵州", "GUIZHOU"), ("云南", "YUNNAN"),
             ("西藏", "XIZANG"), ("陕西", "SHAANXI"), ("甘肃", "GANSU"), ("青海", "QINGHAI"), ("宁夏", "NINGXIA"),
             ("新疆", "XINJIANG"), ("香港", "HONG KONG"), ("澳门", "MACAO"), ("台湾", "TAIWAN")]
CITIES_ABROAD = [("纽约", "NEW YORK"), ("东京", "TOKYO"), ("伦敦", "LONDON"), ("巴黎", "PARIS"), ("洛杉矶", "LOS ANGELES"),
                 ("悉尼", "SYDNEY"), ("新加坡", "SINGAPORE"), ("多伦多", "TORONTO"), ("温哥华", "VANCOUVER"),
                 ("旧金山", "SAN FRANCISCO"), ("墨尔本", "MELBOURNE"), ("大阪", "OSAKA"), ("首尔", "SEOUL"),
                 ("柏林", "BERLIN"), ("曼谷", "BANGKOK"), ("莫斯科", "MOSCOW")]
AUTH_OLD = ("公安部出入境管理局", "MPS Exit & Entry Administration")
AUTH_NEW = ("国家移民管理局", "National Immigration Administration, PRC")
NIA_START = dt.date(2019, 4, 1)
LABELS = {"type": ("类型", "Type"), "code": ("国家码", "Country Code"), "number": ("护照号", "Passport No."),
          "surname": ("姓", "Surname"), "given": ("名", "Given names"), "name": ("姓名", "Name"),
          "sex": ("性别", "Sex"), "nationality": ("国籍", "Nationality"), "birth": ("出生日期", "Date of birth"),
          "pob": ("出生地点", "Place of birth"), "issue": ("签发日期", "Date of issue"),
          "poi": ("签发地点", "Place of issue"), "expiry": ("有效期至", "Date of expiry"), "authority": ("签发机关", "Authority")}


def cn_date(d: dt.date) -> str:
    """'12 12月/DEC 1990' as printed on the data page."""
    return f"{d.day:02d} {d.month}月/{MONTHS[d.month - 1]} {d.year}"


def letters(rng, n: int) -> str:
    return "".join(chr(65 + int(x)) for x in rng.integers(0, 26, size=n))


def person(rng, force: dict | None = None) -> dict:
    """All data of one synthetic Chinese mainland passport. ``force`` may pin: authority ('old'/'new'),
    number_form ('E8'/'EL7'), name_layout ('split'/'combined'), abroad (bool)."""
    force = force or {}
    sur = pick(rng, SURNAMES)
    ngiven = 1 if chance(rng, 0.3) else 2
    given = [pick(rng, GIVEN_CHARS) for _ in range(ngiven)]
    sex = pick(rng, ["M", "F"])
    auth = force.get("authority")
    form = force.get("number_form")
    for _ in range(200):
        birth = rand_date(rng, dt.date(1935, 1, 1), dt.date(2024, 6, 30))
        lo = max(dt.date(2012, 5, 15), birth + dt.timedelta(days=30))
        if auth == "new":
            lo = max(lo, NIA_START)
        hi = dt.date(2026, 11, 30) if auth != "old" else NIA_START - dt.timedelta(days=1)
        if form == "E8":
            hi = min(hi, dt.date(2016, 12, 31))
        elif form == "EL7":
            lo = max(lo, dt.date(2017, 1, 1))
        if lo <= hi:
            break
    issue = rand_date(rng, lo, hi)
    age16 = birth.replace(year=birth.year + 16) if not (birth.month == 2 and birth.day == 29) else dt.date(birth.year + 16, 3, 1)
    years = 5 if issue < age16 else 10
    expiry = issue.replace(year=issue.year + years) if not (issue.month == 2 and issue.day == 29) else dt.date(issue.year + years, 2, 28)
    expiry -= dt.timedelta(days=1)
    if issue.year < 2017:
        number = "E" + "".join(str(int(d)) for d in rng.integers(0, 10, 8))
    else:
        number = "E" + pick(rng, "ABCDEFGHJKLMNPQRSTUVWXYZ") + "".join(str(int(d)) for d in rng.integers(0, 10, 7))
    abroad = force.get("abroad", chance(rng, 0.05))
    pob = pick(rng, CITIES_ABROAD) if abroad else pick(rng, PROVINCES)
    poi = pick(rng, PROVINCES)
    authority = AUTH_NEW if issue >= NIA_START else AUTH_OLD
    return {
        "surname_han": sur[0], "surname": sur[1],
        "given_han": "".join(g[0] for g in given), "given": "".join(g[1] for g in given),
        "sex": sex, "sex_han": "男" if sex == "M" else "女",
        "birth": birth, "issue": issue, "expiry": expiry, "number": number,
        "pob": pob, "poi": poi, "authority": authority, "abroad": bool(abroad),
        "personal": letters(rng, 14),
        "name_layout": force.get("name_layout") or ("combined" if chance(rng, 0.35) else "split"),
    }


def mrz_fields(p: dict) -> dict:
    return {"doc_code": "PO", "issuer": "CHN", "surname": p["surname"], "given_names": p["given"],
            "number": p["number"], "nationality": "CHN", "birth": p["birth"], "sex": p["sex"],
            "expiry": p["expiry"], "optional": p["personal"]}


def expected_result(p: dict) -> dict:
    return {
        "passport_type": "P", "country_code": "CHN", "passport_number": p["number"], "nationality": "CHINESE",
        "surname": p["surname"], "given_name": p["given"], "sex": p["sex"],
        "date_of_birth": p["birth"].isoformat(), "date_of_expiry": p["expiry"].isoformat(),
        "date_of_issue": p["issue"].isoformat(), "place_of_birth": p["pob"][1], "place_of_issue": p["poi"][1],
        "issuing_authority": p["authority"][1],
        "extra_info": {"local_language": {
            "name": p["surname_han"] + p["given_han"], "sex": p["sex_han"], "place_of_birth": p["pob"][0],
            "place_of_issue": p["poi"][0], "issuing_authority": p["authority"][0], "nationality": "中国"}},
    }
