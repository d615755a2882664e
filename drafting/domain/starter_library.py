"""The starter library: clause templates a new installation begins with, in our own words.

Within each category the first English template is the general one (the demonstration inserts
it), so it uses only placeholders that a declaration can fill by itself or that every drafter
knows: the next meeting's city, year and date.
"""

from typing import NamedTuple

from sqlalchemy import select

from drafting.domain.clause_library import create_template
from drafting.extensions import db
from drafting.models import ClauseTemplate, TemplateCategory


class StarterTemplate(NamedTuple):
    name: str
    category: TemplateCategory
    heading: str | None
    body: str
    language: str = "en"


STARTER_TEMPLATES = [
    StarterTemplate(
        "Solidarity and joint projects",
        TemplateCategory.cooperation,
        "Solidarity Among Cities as the Foundation of Our Network",
        "Our cities share more than a region. They share crowded transit systems, ageing water mains, "
        "summers that grow hotter every year, and residents whose lives cross borders every day. "
        "Working together in the {{network}}, we have learned that a problem solved in one city need not "
        "be solved again from the beginning in another.\n\n"
        "We will therefore carry our joint projects forward, open each of them to every member city "
        "that wishes to take part, and report on their results at every plenary meeting, so that what "
        "one of us learns becomes the common property of all.",
    ),
    StarterTemplate(
        "We hereby declare",
        TemplateCategory.cooperation,
        None,
        "At the close of the {{meeting_ordinal}} {{meeting_name}}, held in {{place}}, {{meeting_dates}}, "
        "and in the light of the frank and constructive exchanges we have had over these days, we hereby "
        "declare the following:",
    ),
    StarterTemplate(
        "Gratitude to the host",
        TemplateCategory.cooperation,
        "Our Thanks to {{host_city}}",
        "We express our sincere gratitude to {{host_organization}} and to the people of {{host_city}} for "
        "their warm hospitality and for the care with which this meeting was prepared, and we thank the "
        "staff of every member city whose work between our meetings makes our cooperation real.",
    ),
    StarterTemplate(
        "Cities and the climate challenge",
        TemplateCategory.climate,
        "The Pivotal Role of Cities in the Global Climate Challenge",
        "Cities consume most of the world's energy and emit the greater part of its greenhouse gases. "
        "They are also where heat waves, torrential rain and rising seas are felt first and hardest. "
        "What cities decide about their buildings, their transport and their energy will decide much "
        "of the outcome of the global effort against climate change.\n\n"
        "We commit to setting measurable targets for reducing greenhouse gas emissions in each of our "
        "cities, to reporting our progress to one another every year, and to sharing the policies that "
        "have brought results, from energy standards for buildings to the electrification of public "
        "transport, so that together we become low-carbon cities.",
    ),
    StarterTemplate(
        "Zero-emission urban transport",
        TemplateCategory.climate,
        "Clean Streets, Clean Air: Zero-Emission Transport by {{target_year:year}}",
        "Road traffic is one of the largest sources of emissions in our cities and the one our "
        "residents breathe most directly.\n\n"
        "We will aim for every new bus, taxi and municipal vehicle in our cities to produce no "
        "emissions by {{target_year:year}}, give walking, cycling and public transport the first claim "
        "on street space, and exchange what we learn about charging networks, procurement and the "
        "training of drivers and mechanics.",
    ),
    StarterTemplate(
        "Water, air and waste",
        TemplateCategory.environment,
        "Clean Water, Clear Air and Less Waste",
        "Rapid growth has brought prosperity to our cities, and with it polluted rivers, hazy skies "
        "and rising mountains of waste. No city can keep its air clean alone, and no river respects "
        "a municipal boundary.\n\n"
        "We will exchange monitoring data and the methods behind them, invite one another's engineers "
        "to our water treatment plants, sewage works and recycling facilities, and work with "
        "enterprises and residents to use less, reuse more and send less to landfill, so that our "
        "cities live in harmony with their environment.",
    ),
    StarterTemplate(
        "Prepared for disasters and crises",
        TemplateCategory.crisis_management,
        "Cities Prepared for Disasters and Crises",
        "Earthquakes, typhoons, floods, fires and acts of terror strike without warning, and densely "
        "populated cities stand to lose the most. Each of our cities has paid for its experience of "
        "crisis; we resolve that none should have to pay for the same lesson twice.\n\n"
        "We will:\n"
        "- share our plans, our after-action reviews and our expertise in crisis management;\n"
        "- hold joint exercises and train our emergency staff together;\n"
        "- stand ready to send help to a member city struck by a disaster, as far as our means allow.",
    ),
    StarterTemplate(
        "Sympathy after a disaster",
        TemplateCategory.crisis_management,
        None,
        "We express our deepest sympathy to the people affected by {{disaster:text}}, mourn those who "
        "lost their lives, and pay tribute to the rescue workers and volunteers who came to their aid. "
        "We stand ready to share our experience of recovery and reconstruction with the cities concerned.",
    ),
    StarterTemplate(
        "Infectious diseases",
        TemplateCategory.health,
        "Protecting Our Residents from Infectious Diseases",
        "Diseases travel as fast as the people and goods that connect our cities, and a new outbreak "
        "in one of them is soon a concern for all. Recent years have shown how much depends on the "
        "speed with which cities learn of a threat and the trust with which they share what they know.\n\n"
        "We will strengthen the network of public health officials across our cities, share "
        "surveillance information promptly, carry out joint research and training on the prevention "
        "and control of infectious diseases, and keep our hospitals and laboratories ready for the "
        "next emergency.",
    ),
    StarterTemplate(
        "Economic exchange and industry",
        TemplateCategory.economy,
        "Economic Exchange and the Industries of Tomorrow",
        "Our region has become one of the engines of the world economy, and its growth now depends "
        "on new technologies and on enterprises able to work across borders.\n\n"
        "We will give our companies, and above all our small and medium-sized enterprises, occasions "
        "to present their products and technologies in one another's cities, support exhibitions and "
        "business missions between member cities, and help young companies find partners, customers "
        "and investors throughout our network.",
    ),
    StarterTemplate(
        "Smart and digital cities",
        TemplateCategory.economy,
        "Digital Technology in the Service of Residents",
        "Data and digital technology can make public transport more reliable, buildings more "
        "efficient and public services easier to reach. They must serve every resident, including "
        "those least familiar with them, and must protect privacy.\n\n"
        "We will share our experience of smart-city projects, agree on open standards wherever we "
        "can, publish the data our cities hold when it is safe to do so, and work with universities "
        "and enterprises to test new services in our streets before they are adopted at scale.",
    ),
    StarterTemplate(
        "Public-private partnership",
        TemplateCategory.partnership,
        "Working Together with Enterprises, Universities and Citizens",
        "The challenges before our cities are too large for city governments to meet alone. "
        "Enterprises bring technology and investment, universities bring knowledge, and citizens "
        "and civil society bring the experience of those whom our policies are meant to serve.\n\n"
        "We will invite them into the work of our network, study concrete forms of public-private "
        "partnership in working groups of practitioners, and share the arrangements that have "
        "delivered good public services at a fair cost.",
    ),
    StarterTemplate(
        "Culture, sports and youth",
        TemplateCategory.culture,
        "Culture, Sports and the Next Generation",
        "Friendship between cities lasts when it is shared by their people, and above all by their "
        "young people. Festivals, performances and sporting events let our residents discover one "
        "another's cities and traditions at first hand.\n\n"
        "We will continue exchanges of artists and performers, hold sports meetings for junior "
        "athletes from our cities, and open our programs to students and young professionals, so "
        "that the next generation grows up knowing the region as its own.",
    ),
    StarterTemplate(
        "Human resources development",
        TemplateCategory.human_resources,
        "Investing in the People Who Run Our Cities",
        "Every service a city provides, from clean water to emergency care, rests on the skill of "
        "its staff.\n\n"
        "We will open our training courses to the administrators and specialists of member cities, "
        "organize exchanges of staff in fields such as water supply, sewerage, the environment and "
        "medical care, and build lasting ties between the professionals who face the same problems "
        "in different cities.",
    ),
    StarterTemplate(
        "The next plenary meeting",
        TemplateCategory.next_meeting,
        "Toward the {{next_meeting_ordinal}} Plenary Meeting",
        "The {{next_meeting_ordinal}} Plenary Meeting of the {{network}} will be held in "
        "{{next_meeting_city}} in {{next_meeting_year}}.\n\n"
        "We thank {{next_meeting_city}} for offering to host it, and we look forward to reporting "
        "there on the work we have agreed upon today.",
    ),
    StarterTemplate(
        "The next plenary meeting, with its date",
        TemplateCategory.next_meeting,
        None,
        "The {{next_meeting_ordinal}} Plenary Meeting of the {{network}} will be held in "
        "{{next_meeting_city}}, opening on {{next_meeting_date}}.",
    ),
    StarterTemplate(
        "Proposed and affirmed",
        TemplateCategory.closing,
        None,
        "This declaration is hereby proposed by {{host_organization}}, {{host_country}} on {{end_date}}, "
        "and affirmed by the participating cities and organizations.",
    ),
    # In Japanese. Placeholders print in the declaration's language, ordinals and dates included.
    StarterTemplate(
        "We hereby declare",
        TemplateCategory.cooperation,
        None,
        "{{place}}において開催された{{meeting_name}}の閉会にあたり、会期中に交わした率直かつ建設的な"
        "意見を踏まえ、我々はここに次のとおり宣言する。",
        language="ja",
    ),
    StarterTemplate(
        "Cities and the climate challenge",
        TemplateCategory.climate,
        "地球規模の気候変動への挑戦における都市の重要な役割",
        "世界のエネルギーの大半を消費し、温室効果ガスの多くを排出しているのは都市である。"
        "同時に、猛暑や豪雨、海面の上昇に真っ先に、そして最も強く見舞われるのも都市である。"
        "建物、交通、エネルギーについて都市が下す判断が、気候変動に対する世界の取組の成否を大きく左右する。\n\n"
        "我々は、各都市において温室効果ガス削減の測定可能な目標を定め、その進捗を毎年互いに報告し、"
        "成果を上げた政策を共有することにより、共に低炭素都市を実現することを約束する。",
        language="ja",
    ),
    StarterTemplate(
        "The next plenary meeting",
        TemplateCategory.next_meeting,
        "次回総会",
        "{{network}}の次回総会は、{{next_meeting_year}}年に{{next_meeting_city}}において開催する。\n\n"
        "我々は、開催を申し出た{{next_meeting_city}}に感謝するとともに、本日合意した取組の成果を"
        "次回総会において報告することを楽しみにしている。",
        language="ja",
    ),
]


def load_starter_library() -> int:
    """Add the starter templates the library lacks (same name and language); return how many."""
    # Compared as create_template compares names, so that a drafter's own template named like a
    # starter one is kept, and loading does not fail on it as a duplicate.
    present = {
        (name.lower(), language)
        for name, language in db.session.execute(select(ClauseTemplate.name, ClauseTemplate.language))
    }
    missing = [starter for starter in STARTER_TEMPLATES if (starter.name.lower(), starter.language) not in present]
    for starter in missing:
        create_template(None, **starter._asdict())
    return len(missing)
