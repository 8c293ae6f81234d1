"""A seeded generator of realistic, messy Chinese news articles, for benchmarks and tests.

    from benchmarks.corpus import generate
    articles = generate(1000, "corpus/", seed=9)        # writes the files, returns what it wrote
    articles = generate(5, seed=1)                      # in memory only
    python -m benchmarks.corpus 1000 corpus/ --seed 9   # the same from a shell

Each article is Simplified or Traditional (converted with OpenCC, a wenzhuan dependency), 1-10
KB of UTF-8 by default, in one of three shapes people actually have: a plain-text copy off a web
page (`.txt`), a Markdown file (`.md`), or a Jekyll post with YAML front matter and raw `<p>`
paragraphs (`.md`). Each carries a random subset of the artifact families the normalizer
handles, recorded in `Article.artifacts`:

- `byline`: a byline line after the title (`王晓梅 李建国   2023-04-15   来源:《城西日报》`)
- `glued-byline`: the byline glued onto the title line, or `本报讯记者…` glued onto the first paragraph
- `indent`: paragraphs indented with ASCII spaces or U+3000
- `halfwidth`: half-width punctuation (`,` `:` `;` `!` `?` `()` `"`) between Han characters
- `nav`: navigation links at the end (`[返回首页](//…)｜[返回列表](//…)`, `上一篇：… 下一篇：…`)
- `counter`: view counters (`阅读次数：1234`, `浏览量: 5,678`, `阅读 1.2万`)
- `signature`: an editor's `□` signature at the end of the last paragraph (`□宗合`)
- `pinyin`: pinyin readings in parentheses after characters (`經(jīng)營`)
- `source-note`: a source note (`（文章来源：中国邮政快递报）`) and a bare URL

Same seed, same articles, byte for byte (the generator uses only its own `random.Random`).
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
from dataclasses import dataclass, field
from pathlib import Path
from typing import Iterable, Sequence

ARTIFACTS = ("byline", "glued-byline", "indent", "halfwidth", "nav", "counter", "signature", "pinyin",
             "source-note")
KINDS = ("txt", "md", "jekyll")
SCRIPTS = ("hans", "hant")

SURNAMES = "王李张刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎余潘杜戴夏钟汪田任姜范方石姚谭廖邹熊金陆郝孔白崔康毛邱秦江史顾侯邵孟龙万段雷钱汤尹黎易常武乔贺赖龚文"
GIVEN = "晓梅建国志强秀英海燕文华明辉丽娟俊杰燕斌永红国庆春兰子涵思远雨轩浩然欣怡宇航嘉怡"
PLACES = ["辽宁省", "湖南省", "长沙市", "城西社区", "上海市", "青海省", "广东省", "深圳市", "杭州市", "成都市",
          "铁岭市", "葫芦岛市", "锦州市", "鞍山市", "苏州工业园区", "厦门市", "昆明市", "西宁市", "大连港", "宁波舟山港"]
ORGS = ["邮政分公司", "社区图书馆", "市博物馆", "港务集团", "农业合作社", "第一中学", "人民医院", "科技园区管委会",
        "文化馆", "供电公司", "公交集团", "物流中心", "档案馆", "气象台", "农商银行", "职业技术学院"]
TOPICS = ["半年工作座谈", "经营服务工作", "安全生产", "数字化转型推进", "乡村振兴专题", "文明城市创建",
          "营商环境优化", "年度总结表彰", "科技创新交流", "冬季供暖保障"]
FIELDS = ["寄递业务", "普遍服务", "代理金融", "智慧物流", "公共文化服务", "基础设施建设", "社区治理",
          "绿色低碳", "数字政务", "职业教育", "医疗服务", "港口运营"]
GOALS = ["以人民为中心的发展思想", "稳中求进工作总基调", "问题导向和目标导向", "高质量发展主线",
         "改革创新", "精细化管理", "安全发展理念"]
QUOTES = ["我们希望居民在家门口就能享受到更好的服务", "这项工作关系到千家万户，一刻也不能放松",
          "下一步还要在细节上下功夫", "以前排队要等一个多小时，现在十分钟就办完了",
          "数据多跑路，群众少跑腿", "只有把基础打牢，发展才有后劲", "今年的目标一定能够完成"]
SOURCES = ["城西日报", "辽邮新媒", "中国邮政快递报", "港城晚报", "科技导报", "湘江周刊", "青海日报"]
UNITS = [("万元", 10, 9000), ("平方米", 100, 50000), ("个", 3, 300), ("家", 2, 800), ("万件", 1, 5000),
         ("人次", 100, 90000), ("公里", 1, 900)]

# Pinyin readings for the `pinyin` artifact, keyed by the Simplified character (Traditional keys
# are derived with OpenCC); the field sample article-002 carries exactly this kind of debris.
PINYIN = {
    "经": "jīng", "营": "yíng", "务": "wù", "导": "dǎo", "结": "jié", "习": "xí", "发": "fā", "展": "zhǎn",
    "济": "jì", "业": "yè", "现": "xiàn", "关": "guān", "学": "xué", "稳": "wěn", "长": "zhǎng",
    "重": "zhòng", "会": "huì", "议": "yì", "国": "guó", "强": "qiáng", "调": "diào", "创": "chuàng",
    "新": "xīn", "质": "zhì", "量": "liàng", "设": "shè", "计": "jì", "区": "qū", "建": "jiàn", "服": "fú",
    "传": "chuán", "统": "tǒng", "这": "zhè", "项": "xiàng", "进": "jìn", "实": "shí", "数": "shù",
}

_HALF = {"，": ",", "：": ":", "；": ";", "！": "!", "？": "?", "（": "(", "）": ")"}


@dataclass
class Article:
    """One generated article: its relative file name, its text, and what went into it."""

    name: str
    text: str
    script: str
    kind: str
    title: str
    authors: list[str]
    date: str
    source: str
    artifacts: list[str] = field(default_factory=list)

    @property
    def size(self) -> int:
        return len(self.text.encode("utf-8"))


def _converter():
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a wenzhuan dependency
        return None
    return opencc.OpenCC("s2t").convert


class _Writer:
    """Builds one article's sentences from the pools with one `random.Random`."""

    def __init__(self, rng: random.Random):
        self.rng = rng

    def pick(self, seq: Sequence[str]) -> str:
        return seq[self.rng.randrange(len(seq))]

    def person(self) -> str:
        given = "".join(self.rng.sample(GIVEN, self.rng.choice((1, 2))))
        return self.pick(SURNAMES) + given

    def number(self) -> str:
        unit, low, high = self.pick(UNITS)
        value = self.rng.randint(low, high)
        if self.rng.random() < 0.3:
            return f"{value / 10:.1f}{unit}"
        return f"{value}{unit}"

    def sentence(self, place: str, org: str, date: dt.date) -> str:
        r = self.rng.randrange(9)
        md = f"{date.month}月{date.day}日"
        if r == 0:
            return f"{md}，{place}{org}召开{self.pick(TOPICS)}会议，总结上半年工作，部署下一阶段任务。"
        if r == 1:
            return f"会议强调，要坚持{self.pick(GOALS)}，加快推进{self.pick(FIELDS)}高质量发展。"
        if r == 2:
            return (f"{self.person()}介绍，今年以来{org}共完成{self.pick(FIELDS)}项目{self.rng.randint(3, 300)}个，"
                    f"同比增长{self.rng.randint(2, 60)}.{self.rng.randint(0, 9)}%。")
        if r == 3:
            return f"“{self.pick(QUOTES)}！”{self.person()}说。"
        if r == 4:
            return (f"截至{date.month}月底，全{place[-1]}累计投入资金{self.rng.randint(10, 9000)}万元，"
                    f"惠及群众{self.rng.randint(1, 900)}万人次。")
        if r == 5:
            return (f"{self.pick(PLACES)}、{self.pick(PLACES)}等地的{self.pick(ORGS)}作经验交流，"
                    f"分别就{self.pick(FIELDS)}和{self.pick(FIELDS)}作专题发言。")
        if r == 6:
            return f"下一步，{org}将围绕{self.pick(FIELDS)}，在{self.pick(GOALS)}上持续发力。"
        if r == 7:
            return (f"从{md}起，开放时间延长至晚上{self.rng.randint(8, 10)}:00，"
                    f"读者可拨打(010){self.rng.randint(1000, 9999)}-{self.rng.randint(1000, 9999)}咨询。")
        return f"据统计，{org}全年新增{self.pick(FIELDS)}网点{self.rng.randint(3, 120)}个，服务能力明显提升。"

    def paragraph(self, place: str, org: str, date: dt.date) -> str:
        return "".join(self.sentence(place, org, date) for _ in range(self.rng.randint(2, 6)))


def _halfwidth(text: str, rng: random.Random) -> str:
    out = []
    for i, ch in enumerate(text):
        if ch in _HALF and 0 < i < len(text) - 1 and rng.random() < 0.7:
            out.append(_HALF[ch])
        elif ch in "“”" and rng.random() < 0.5:
            out.append('"')
        else:
            out.append(ch)
    return "".join(out)


def _pinyin(text: str, table: dict[str, str], rng: random.Random) -> str:
    return "".join(f"{ch}({table[ch]})" if ch in table and rng.random() < 0.6 else ch for ch in text)


def make_article(index: int, rng: random.Random, *, min_bytes: int, max_bytes: int, script: str, kind: str,
                 to_hant=None, hant_pinyin: dict[str, str] | None = None) -> Article:
    """One article; see the module docstring."""
    w = _Writer(rng)
    date = dt.date(2018, 1, 1) + dt.timedelta(days=rng.randrange(365 * 6))
    place, org = w.pick(PLACES), w.pick(ORGS)
    title = f"{place}{org}{w.pick(TOPICS)}会议召开" if rng.random() < 0.5 else \
        f"{w.pick(FIELDS)}迈上新台阶 {place}{w.pick(ORGS)}交出亮眼答卷"
    authors = [w.person() for _ in range(rng.choice((1, 1, 2, 3)))]
    source = w.pick(SOURCES)
    artifacts = sorted(a for a in ARTIFACTS if rng.random() < 0.45)
    if script == "hans" and "pinyin" in artifacts and rng.random() < 0.7:
        artifacts.remove("pinyin")  # the field samples have pinyin debris mostly in Traditional
    target = rng.randint(min_bytes, max_bytes)
    paras: list[str] = []
    size = 0
    while size < target:
        p = w.paragraph(place, org, date)
        paras.append(p)
        size += len(p.encode("utf-8"))
    if "glued-byline" in artifacts and rng.random() < 0.5:
        paras[0] = f"本报讯记者{authors[0]}{paras[0]}"
    signature = f"□{w.person()[:rng.choice((1, 2))]}{rng.choice(('', '合', '文'))}"
    conv = (lambda s: s) if script == "hans" or to_hant is None else to_hant
    t_title, t_authors, t_source = conv(title), [conv(a) for a in authors], conv(source)
    byline = conv(f"{' '.join(authors)}   {date.isoformat()}   来源:《{source}》")
    counter = conv(rng.choice((f"阅读次数：{rng.randint(10, 99999)}", f"浏览量: {rng.randint(1, 99)},{rng.randint(100, 999)}",
                               f"阅读 {rng.randint(1, 9)}.{rng.randint(0, 9)}万", f"点击数：{rng.randint(10, 9999)}")))
    indent = rng.choice(("    ", "     ", "      ", "\u3000\u3000"))
    tail: list[str] = []
    if "source-note" in artifacts:
        tail.append(conv(f"（文章来源：{source}）"))
        tail.append(f"<http://news.example.cn/html_News/NewsShare.html?infoCode=NW{rng.randrange(10**15):015d}>")
    if "nav" in artifacts:
        tail.append(rng.choice((
            "[返回首页](//news.example.cn/)｜[返回列表](//news.example.cn/category/list.html)",
            conv(f"上一篇：{w.pick(FIELDS)}工作稳步推进 下一篇：{w.pick(PLACES)}召开{w.pick(TOPICS)}会议"),
            conv("返回首页 | 返回列表 | 打印本页 | 关闭窗口"))))
    glue_title = "glued-byline" in artifacts and not paras[0].startswith("本报讯")
    tags = conv(f"{source}新闻")
    category = rng.choice(("news", "zhongguoyouzhengkuaidibao", "local"))
    minute = rng.randint(10, 59)

    def render(k: int, seed: int) -> str:
        r = random.Random(seed)  # the same readings and punctuation however many paragraphs
        body = []
        for i, p in enumerate(paras[:k]):
            if "signature" in artifacts and i == k - 1:
                p += signature
            text = conv(p)
            if "pinyin" in artifacts:
                text = _pinyin(text, hant_pinyin if script == "hant" and hant_pinyin else PINYIN, r)
            if "halfwidth" in artifacts:
                text = _halfwidth(text, r)
            body.append(text)
        lines: list[str] = []
        if kind == "jekyll":
            lines += ["---", "layout: post", f'title: "{t_title}"',
                      f"date: {date.isoformat()} 09:{minute}:00 +0800", f"categories: {category}", f"tags: {tags}",
                      "---"]
            if "counter" in artifacts:
                lines.append(f"<p>{counter}</p>")
            lines += [f"{' ' if i else ''}<p>{p} </p>" for i, p in enumerate(body)]
            lines += [""] + [line for t in tail for line in (t, "")]
        else:
            first = t_title + byline if glue_title else t_title
            lines.append("# " + first if kind == "md" else first)
            if "byline" in artifacts and "glued-byline" not in artifacts:
                lines.append(byline)
            if "counter" in artifacts:
                lines.append(counter)
            lines.append("")
            for p in body:
                lines += [(indent if "indent" in artifacts else "") + p, ""]
            lines += [line for t in tail for line in (t, "")]
        return "\n".join(lines).rstrip("\n") + "\n"

    seed = rng.randrange(2**32)
    k = len(paras)
    text = render(k, seed)
    while k > 1 and len(text.encode("utf-8")) > max_bytes:
        k -= 1
        text = render(k, seed)

    ext = "txt" if kind == "txt" else "md"
    name = f"{date.year}/article-{index:05d}-{script}-{kind}.{ext}"
    return Article(name, text, script, kind, t_title, t_authors, date.isoformat(), t_source, artifacts)


def generate(n: int, out: str | Path | None = None, *, seed: int = 0, min_kb: float = 1, max_kb: float = 10,
             scripts: Iterable[str] = SCRIPTS, kinds: Iterable[str] = KINDS) -> list[Article]:
    """`n` articles from `seed`; written under `out` (in year folders) when given."""
    rng = random.Random(seed)
    scripts, kinds = tuple(scripts), tuple(kinds)
    to_hant = _converter() if "hant" in scripts else None
    hant_pinyin = {to_hant(k): v for k, v in PINYIN.items()} if to_hant else None
    articles = [make_article(i, rng, min_bytes=int(min_kb * 1024), max_bytes=int(max_kb * 1024),
                             script=scripts[rng.randrange(len(scripts))], kind=kinds[rng.randrange(len(kinds))],
                             to_hant=to_hant, hant_pinyin=hant_pinyin)
                for i in range(n)]
    if out is not None:
        root = Path(out)
        for a in articles:
            path = root / a.name
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(a.text.encode("utf-8"))
    return articles


def big_article(target_bytes: int, *, seed: int = 0, script: str = "hans") -> str:
    """One very long plain-text article of about `target_bytes` UTF-8 bytes (for memory tests)."""
    rng = random.Random(seed)
    to_hant = _converter() if script == "hant" else None
    pieces = []
    size = 0
    i = 0
    while size < target_bytes:
        a = make_article(i, rng, min_bytes=8000, max_bytes=10000, script=script, kind="txt", to_hant=to_hant)
        body = a.text if i == 0 else a.text.split("\n", 1)[1]  # one title, then paragraphs
        pieces.append(body)
        size += len(body.encode("utf-8"))
        i += 1
    return "".join(pieces)


def main(argv: Sequence[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Write N generated Chinese articles into a folder.")
    parser.add_argument("n", type=int)
    parser.add_argument("out")
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--min-kb", type=float, default=1)
    parser.add_argument("--max-kb", type=float, default=10)
    parser.add_argument("--scripts", default="hans,hant")
    parser.add_argument("--kinds", default=",".join(KINDS))
    args = parser.parse_args(argv)
    arts = generate(args.n, args.out, seed=args.seed, min_kb=args.min_kb, max_kb=args.max_kb,
                    scripts=args.scripts.split(","), kinds=args.kinds.split(","))
    total = sum(a.size for a in arts)
    print(f"wrote {len(arts)} articles, {total / 1024:.0f} KB, into {args.out}")


if __name__ == "__main__":
    main()
