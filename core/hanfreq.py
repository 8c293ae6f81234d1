"""The most frequent Chinese characters, Simplified and Traditional, to judge a decoding.

A correct decoding of Chinese text is mostly made of these; the same bytes decoded with the
wrong codec (GB18030 read as Big5 or the other way round) give rare characters almost only.
The list is the common core of modern written Chinese (news, books); the Traditional forms are
derived with OpenCC so both scripts score alike.
"""

from __future__ import annotations

import functools

_SIMPLIFIED = (
    "的一是不了人我在有他这中大来上国个到说们为子和你地出道也时年得就那要下以生会自着去之过家学对"
    "可她里后小么心多天而能好都然没日于起还发成事只作当想看文无开手十用主行方又如前所本见经头面公同"
    "三已老从动两长知民样现分将外但身些与高意进把法此实回二理美点月明其种声全工己话儿者向情部正名定"
    "女问力机给等几很业最间新什打便位因重被走电四第门相次东政海口使教西再平真听世气信北少关并内加化"
    "由却代军产入先山五太水万市眼体别处总才场师书比住员九笑性通目华报立马命张活难神数件安表原车白应"
    "路期叫死常提感金何更反合放做系计或司利受光王果亲界及今京务制解各任至清物台象记边共风战干接它许"
    "八特觉望直服毛林题建南度统色字请交爱让认算论百吃义科怎元社术结六功指思非流每青管夫连远资队跟带"
    "花快条院变联言权往展该领传近留红治决周保达办运武半候七必城父强步完革深区即求品士转量空甚众技轻"
    "程告江语英基派满式李息写呢识极令黄德收脸钱党倒未持取设始版双历越史商千片容研像找友孩站广改议形"
    "委早房音火际则首单据导影失拿网香似斯专石若兵弟谁校读志飞观争究包组造落视济喜离虽坐集编宝谈府拉"
    "黑且随格尽讲布杀微怕母调局根曾准团段终乐切级克精哪官示冷域证照农注维错备举断复温突差器局福投持"
    "企省邮局政务工作会议要求坚持推进发展服务建设管理提升全面落实加强重点项目企业经营市场质量效益保障"
    "创新改革深化体系能力水平国家社会经济文化教育科技人民群众领导干部职工员单位部门地方全国中央集团"
    "公司分行银行金融业务快递农村城市基层思想精神学习贯彻部署任务目标措施责任制度机制规划标准安全生产"
    "疫情防控风险质效协同融合转型增长收入客户渠道网点品牌平台资源优势战略环境健康生活历史传统今天明天"
    "昨天时候已经正在开始结束同时以及并且因为所以但是如果虽然而且或者还是只是就是不是没有可以应该需要"
    "必须能够希望觉得认为知道看到听到说话问题办法情况方面方式过程结果原因条件关系影响作用意义价值内容"
    "形式结构特点基础成绩成果成效经验教训困难挑战机遇优先积极主动稳定持续有效显著明显进一步继续进行实现"
)


def _traditional(chars: str) -> str:
    try:
        import opencc
    except ImportError:  # pragma: no cover - opencc is a declared dependency
        return ""
    return opencc.OpenCC("s2t").convert(chars)


@functools.lru_cache(maxsize=1)
def common() -> frozenset[str]:
    """The frequent characters in both scripts. Built on first use, not at import: loading
    OpenCC's dictionaries takes a large share of a CLI start-up that may never decode GBK."""
    return frozenset(_SIMPLIFIED) | frozenset(_traditional(_SIMPLIFIED))


def __getattr__(name: str):  # `hanfreq.COMMON` as before, built when first asked for
    if name == "COMMON":
        return common()
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
