"""Word lists the rules extractor uses to tell organizations from other capitalised words.

These are general English and world facts (first names, places, calendar words,
organization-name heads), not names taken from any evaluation text.
"""

from __future__ import annotations

FIRST_NAMES = frozenset(
    """
    Aaron Abby Adam Adrian Ahmed Aidan Alan Albert Alex Alexander Alexandra Alexis Ali Alice Alicia
    Allison Amanda Amir Amit Amy Ana Andrea Andreas Andrew Andy Angela Anil Anita Ankur Ann Anna Anne
    Anthony Anton Antonio Arjun Arthur Arvind Ashley Ashish Austin Barbara Barry Ben Benjamin Bernard
    Beth Bill Bob Bobby Brad Bradley Brandon Brenda Brett Brian Bruce Bryan Caitlin Cameron Carl Carlos
    Carol Caroline Casey Catherine Charles Charlie Chen Chris Christian Christina Christine Christopher
    Chuck Cindy Claire Clara Colin Connor Craig Cristiano Dan Dana Daniel Daniela Danielle Dario Dave
    David Dean Deborah Demis Dennis Derek Diana Diane Dmitri Dominic Don Donald Doug Douglas Drew Dylan
    Ed Eddie Edward Elena Eli Elizabeth Ellen Elon Emily Emma Eric Erik Erin Ethan Eugene Eva Evan
    Fei Felix Fernando Frank Fred Gabriel Gary Gavin Geoff Geoffrey George Gerald Gina Giovanni Glenn
    Grace Greg Gregory Guido Hank Hannah Harry Heather Helen Henry Howard Hugo Ian Igor Ilya Irene Isaac
    Ivan Jack Jacob Jake James Jamie Jan Jane Janet Jason Jay Jean Jeff Jeffrey Jen Jennifer Jensen Jeremy
    Jerry Jesse Jessica Jill Jim Jimmy Joanna Joe Joel John Johnny Jon Jonathan Jordan Jose Joseph Josh
    Joshua Joy Juan Judy Julia Julian Julie Justin Kai Karen Kate Katherine Kathy Katie Keith Kelly
    Ken Kenneth Kevin Kim Kyle Larry Laura Lauren Lee Leo Leon Lily Linda Lisa Liz Logan Lori Louis Lucas
    Luis Luke Lynn Marc Marco Margaret Maria Mark Martin Mary Mason Matt Matthew Max Megan Melissa Michael
    Michelle Miguel Mike Min Mira Mohammed Mustafa Nadella Nancy Naomi Nat Nathan Neil Nick Nicholas
    Nicole Nikhil Noah Olivia Omar Omri Oren Oscar Pat Patricia Patrick Paul Paula Pedro Peter Phil Philip
    Pierre Priya Rachel Rahul Raj Rajeev Ralph Ram Ramesh Randy Raquel Ravi Ray Rebecca Reed Reid Richard
    Rick Rob Robert Robin Rod Roger Ron Ronald Rose Ross Roy Russ Russell Ruth Ryan Sam Samantha Samuel
    Sandra Sanjay Sara Sarah Satya Scott Sean Sebastian Sergey Seth Shane Sharon Shawn Sheryl Shirley
    Simon Sophia Sophie Stacy Stan Stephanie Stephen Steve Steven Stuart Sue Sundar Susan Suzanne Tanya
    Ted Teresa Terry Thomas Tim Timothy Tina Todd Tom Tommy Tony Travis Trevor Tyler Uri Valerie Vanessa
    Victor Victoria Vincent Vinod Virginia Walter Wayne Wei Wendy Will William Xavier Yann Yoshua Yuval
    Zach Zachary Zoe Guy Osnat Erez Noa Tal Yael Amit Rohan Vikram Arun Sunil Kiran Deepak Sanjay
    Lakshmi Ananya Meera Pooja Neha Anil Sachin Hiroshi Takeshi Kenji Yuki Haruki Akira Jiwon Minjun
    Hyun Jae
    Lars Sven Nils Erik Anders Johan Henrik Magnus Ingrid Astrid Klaus Jurgen Dieter Wolfgang Hans
    Stefan Matthias Florian Lukas Jonas Felipe Javier Diego Alejandro Sofia Lucia Carmen Elena
    Francesca Alessandro Matteo Lorenzo Giulia Chiara Marie Camille Julien Nicolas Antoine
    Mathieu Olivier Thierry Yves Amelie Fatima Aisha Hassan Hussein Karim Youssef Omar Layla
    Tobias Marcus Elliot Jared Colby Brent Dustin Garrett Wesley Clayton Dwight Jeanne Gwen
    Brianna Jasmine Brooke Chloe Madison Abigail Natalie Hailey Kayla Ava Mia Ella Harper Riley
    Noam Asaf Eyal Gil Ori Ido Lior Shai Roni Yoni Itai Assaf Dror Elad Ofer Roee Tomer Yaniv
    """.split()
)

PLACES = frozenset(
    """
    Africa Alabama Alaska America Americas Amsterdam Arizona Arkansas Asia Atlanta Austin Australia
    Austria Bangalore Barcelona Beijing Belgium Berlin Bengaluru Boston Brazil Brooklyn Brussels Canada
    Chicago Chile China Colorado Connecticut Copenhagen Dallas Delaware Denmark Denver Detroit Dubai
    Dublin Egypt England Europe Finland Florida France Frankfurt Geneva Georgia Germany Greece Hawaii
    Helsinki Hollywood Houston Idaho Illinois India Indiana Indonesia Iowa Iran Ireland Israel Istanbul
    Italy Japan Kansas Kentucky Kenya Korea London Louisiana Madrid Maine Manhattan Maryland
    Massachusetts Melbourne Mexico Miami Michigan Milan Minnesota Mississippi Missouri Montana Montreal
    Moscow Mumbai Munich Nebraska Netherlands Nevada Nigeria Norway Ohio Oklahoma Ontario Oregon Oslo
    Pakistan Palo Paris Pennsylvania Philippines Pittsburgh Poland Portugal Redmond Rome Russia Salt
    Scotland Seattle Seoul Shanghai Shenzhen Silicon Singapore Spain Stockholm Sweden Switzerland Sydney
    Taiwan Tennessee Thailand Tokyo Toronto Turkey Ukraine Utah Vancouver Vermont Vietnam Virginia Wales
    Washington Wisconsin Wyoming Zurich York Alto Puerto Zealand Jersey Orleans Delhi Hampshire Mexico City
    Valley Bay Area Francisco Angeles Diego Jose Kong Hong Tel Aviv Carolina Dakota Rico Lanka
    Arabia Emirates UAE Qatar Saudi Iceland Estonia Latvia Lithuania Hungary Romania Bulgaria
    Czech Slovakia Croatia Serbia Argentina Colombia Peru Venezuela Ecuador Bangladesh Malaysia
    Cambridge Oxford Stanford Berkeley Mountain Menlo Cupertino Sunnyvale Bellevue Kirkland Tokyo
    Osaka Kyoto Beijing Hangzhou Guangzhou Taipei Hsinchu Bengaluru Hyderabad Chennai Pune Lagos
    Nairobi Cairo Johannesburg Cape Town Riyadh Doha Abu Dhabi Jakarta Manila Hanoi Bangkok
    """.split()
)

CALENDAR = frozenset(
    """
    January February March April May June July August September October November December Jan Feb Mar
    Apr Jun Jul Aug Sep Sept Oct Nov Dec Monday Tuesday Wednesday Thursday Friday Saturday Sunday
    Christmas Easter
    """.split()
)

# Capitalised words that start sentences or headings and never begin an organization name alone.
STOP_CAPS = frozenset(
    """
    A An The This That These Those It Its It's In On At By For From With Without Of To And Or But If When
    While After Before Since As Also However Meanwhile Yet So Then Now Today Yesterday Tomorrow Last Next
    Earlier Later Here There We Our Us You Your They Their He She His Her I My Me Some Many Most Other
    Others Another Both Each Every All Any No Not One Two Three Four Five Six Seven Eight Nine Ten First
    Second Third New Old Big Small Recent Former Current Chief CEO CTO CFO COO President Vice Senior
    Director Head General Founder Cofounder Co-founder Professor Dr Mr Mrs Ms Sir Lord Read Related
    Image Photo Source Credit Click Sign Subscribe Share Watch Learn More See Join Register Update
    According Still Even Just Only Instead Despite Although Though Because Unlike Like Through Under
    Over Into Onto Upon Within Among Between About Above Below Across Against Along Around Behind
    Beyond During Except Inside Outside Toward Towards Via What Which Who Whom Whose Why How Where
    Such Several Few Much More Less Such Artificial Intelligence AI ML Machine Learning Deep Data
    Cloud Generative Large Language Model Models Internet Web Mobile Tech Technology Technologies
    Global International National Federal State Government Company Companies Startup Startups Inc
    Corp Ltd LLC Series Round Funding Fund Venture Ventures Capital Partners Group Holdings Labs Lab
    Research Institute University College School Department Ministry Office Commission Agency Council
    Board Committee Forum Alliance Consortium Foundation Association Society Network Platform Service
    Services System Systems Solutions Software Hardware Project Program Initiative Team Teams Product
    Products Report Reports Study Survey Analysis News Story Stories Blog Post Posts Press Release
    Editor Editors Note Notes Update Updates Event Events Summit Conference Webinar Podcast Podcasts
    Newsletter Newsletters Topics Featured Sponsored Advertisement Transform Yes Well Oh OK Okay
    Chinese American European British French German Japanese Korean Indian Israeli Canadian Italian
    Spanish Dutch Swiss Swedish Russian Australian Irish Norwegian Finnish Danish Brazilian Mexican
    Western Eastern Northern Southern Asian African Republican Democrat Democrats Republicans
    Congress Senate House Parliament Court Supreme Judge Justice Attorney Act Bill Law Prior
    Development Languages Exclusive Programming Automation Security Privacy Business Throughout
    Following Amid Additionally Moreover Furthermore Overall Currently Previously Recently
    Ultimately Indeed Regardless Nonetheless Nevertheless Finally Initially Originally Separately
    Similarly Specifically Together Unfortunately Fortunately Interestingly Notably Importantly
    English Mandarin Arabic Hindi Portuguese Russian Cantonese Comedian Actor Actress Singer Author Writer Director Judge Senator Representative Governor
    Mayor Minister Secretary Chairman Chairwoman Commissioner Analyst Researcher Scientist
    """.split()
)

# Heads that make a capitalised phrase an organization even when the KB does not know it.
ORG_HEADS = frozenset(
    """
    Inc Inc. Corp Corp. Corporation Co Co. Company Ltd Ltd. Limited LLC LLP PLC plc GmbH AG SA S.A.
    N.V. NV SE Group Holdings Holding Labs Lab Laboratories Technologies Technology Tech Systems
    Solutions Software Robotics Networks Network Analytics Dynamics Therapeutics Biosciences
    Pharmaceuticals Semiconductor Semiconductors Microsystems Computing Computer Computers Devices
    Electronics Motors Automotive Media Studios Studio Games Entertainment Health Healthcare Bank
    Capital Ventures Partners Investments Investment Fund Funds Equity Management Advisors Associates
    Securities Insurance Airlines Airways Telecom Telecommunications Communications Mobility Energy
    Foundation Institute University College Alliance Consortium Forum Association Council Society
    Committee Commission Authority Agency Administration Department Ministry Office Bureau Regulator
    Services Industries Enterprises Intelligence AI. School Hospital Clinic Center Centre
    """.split()
)
ORG_HEADS_AI = frozenset(
    {"AI", "ML", "Labs", "Robotics", "Bio", "Health", "Cloud", "Data", "Vision"}
)

# Heads of group names: joining one of these is membership, not partnership.
GROUP_HEADS = frozenset(
    """
    Alliance Consortium Forum Foundation Association Council Committee Coalition Initiative Partnership
    Federation Society Organization Organisation Union
    """.split()
)

REGULATOR_HEADS = frozenset(
    """
    Commission Commissioner Authority Agency Administration Department Ministry Office Regulator
    Bureau Attorney Garante Court Prosecutor Watchdog Inspector Government Parliament Senate Congress
    Directorate Tribunal
    """.split()
)

# Nouns that stand for an organization just named ("the company", "the search giant").
ANAPHOR_NOUNS = (
    "company",
    "startup",
    "start-up",
    "firm",
    "giant",
    "group",
    "maker",
    "developer",
    "provider",
    "lab",
    "chipmaker",
    "carmaker",
    "automaker",
    "retailer",
    "outfit",
    "business",
    "platform",
    "vendor",
    "agency",
    "regulator",
    "watchdog",
)
