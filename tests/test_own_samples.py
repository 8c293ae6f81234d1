"""The project's own samples in samples/: a Traditional HTML page, a hard-wrapped GBK chapter."""

import datetime as dt

from .conftest import SAMPLES
from .normalize_fixtures import dump, normalize


def test_traditional_html_page():
    loaded = normalize((SAMPLES / "hant-post-office.html").read_bytes(), ext="html")
    assert loaded.document.metadata.date == dt.date(2023, 5, 2)
    assert dump(loaded.document) == (
        "title: 社區郵局延長營業時間\nauthors: 陳大文\ndate: 2023-05-02\nsource: 城南週報\nlanguage: zh-Hant\n\n"
        "城南社區郵局自5月起延長營業時間，平日開放至晚上8:00，週六也照常營業。\n\n"
        "局長林志明表示，延長時間後，上班族下班後也能辦理**掛號信**與包裹（含國際包裹）業務。\n\n"
        "詳情請洽服務專線（02）2345-6789。")


def test_hard_wrapped_gbk_chapter():
    loaded = normalize((SAMPLES / "hans-smalltown-wrapped-gbk.txt").read_bytes(), ext="txt")
    assert loaded.encoding == "gb18030"
    assert dump(loaded.document) == (
        "title: 第一章　小镇的早晨\nlanguage: zh-Hans\n\n"
        "天刚蒙蒙亮，小镇上的早点铺就已经冒起了热气。卖豆浆的老李一边吆喝着，一边把刚炸好的油条摆上竹筐，"
        "香味顺着青石板路飘出去老远。\n\n"
        "“来两根油条，一碗豆浆！”赶早班车的小王跑得气喘吁吁，额头上还挂着汗珠。老李笑着应了一声，"
        "麻利地把东西装好递给他，又叮嘱他路上慢点。\n\n"
        "太阳升起来的时候，街上渐渐热闹起来。学生们背着书包成群结队地走过，邮递员骑着绿色的自行车挨家挨户地送信。")
    assert [c.kind for c in loaded.report.changes if c.step == "read:text"] == ["join-lines"] * 5
