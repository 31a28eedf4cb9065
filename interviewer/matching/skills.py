"""Broad skills and the names that show them: a resume naming MySQL shows "relational databases",
one naming React shows JavaScript, one naming Jenkins shows continuous integration.

A requirement often asks for a kind of thing ("experience with relational databases", "version
control", "a cloud platform") where the resume names one of its kind; neither the encoder (a topic
neighbour is no evidence) nor the words ("MySQL" shares none with "relational databases") can tell.
:data:`FAMILIES` is general knowledge of the trade written down once: how a requirement names a
broad skill, and the names (as :func:`interviewer.matching.coverage.terms` reads them, two words joined:
"sqlserver") of which each shows it. Only names that cannot show anything else are members: Python
is a scripting language, but a resume naming Python shows no "object-oriented design".

Pure: no Django. :mod:`interviewer.matching.selector` and :mod:`interviewer.matching.coverage_model` count the
requirement's words a family accounts for as named; the report on answers does not (an answer
credits only what it says).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass

from interviewer.matching import coverage
from interviewer.text import LETTERS


@dataclass(frozen=True)
class Family:
    """A broad skill: how a requirement names it, and the names that show it."""

    name: str
    phrase: re.Pattern[str]
    members: frozenset[str]


def _family(name: str, phrase: str, members: str) -> Family:
    return Family(name, re.compile(rf"(?<![\w#+.-])(?:{phrase})(?![\w#+-])", re.I), frozenset(members.split()))


_DB = r"(?:data\s*bases?|dbs?|dbms|systems?|technolog(?:y|ies)|platforms?)"
_PRACTICE = r"(?:\s+(?:practices?|methodolog(?:y|ies)|methods?|principles|processes|process|environments?|frameworks?|development|teams?|ceremonies|delivery))*"
_RELATIONAL = (
    "mysql postgresql postgres oracle sqlserver mssql sqlite mariadb db2 t-sql pl/sql plsql tsql aurora sybase"
)
FAMILIES: tuple[Family, ...] = (
    _family("relational databases", rf"relational\s+{_DB}|rdbms|sql\s+{_DB}", _RELATIONAL),
    _family(
        "NoSQL databases",
        rf"no-?sql(?:\s+{_DB})?|document\s+{_DB}|non-relational\s+{_DB}",
        "mongodb mongo cassandra dynamodb couchdb couchbase hbase neo4j firestore redis",
    ),
    _family(
        "JavaScript",
        r"java\s*script|js|ecmascript|es6",
        "typescript react reactjs react.js angular angularjs vue vuejs vue.js node.js nodejs jquery express.js"
        " next.js nextjs svelte ember ember.js backbone backbone.js nuxt",
    ),
    _family(
        "JavaScript frameworks",
        r"(?:front[\s-]?end|javascript|js|spa|ui)\s+(?:frameworks?|librar(?:y|ies))",
        "react reactjs react.js angular angularjs vue vuejs vue.js svelte ember ember.js backbone backbone.js",
    ),
    _family(
        "web services",
        r"web\s*services?|web\s+apis?|restful\s+services?|(?:rest|soap)\s+services?",
        "rest restful soap graphql grpc wsdl",
    ),
    _family(
        "version control",
        r"(?:version|source|revision)[\s-]+control(?:\s+(?:systems?|tools?))?|vcs|scm",
        "git github gitlab bitbucket svn subversion mercurial tfs perforce",
    ),
    _family(
        "continuous integration",
        r"continuous\s+(?:integration|delivery|deployment)(?:\s+(?:and|/)\s+continuous\s+(?:delivery|deployment))?"
        r"(?:\s+(?:environments?|pipelines?|tools?|systems?))?|ci\s*/\s*cd|ci|build\s+pipelines?",
        "jenkins githubactions gitlab-ci teamcity bamboo circleci travis travisci azuredevops argocd",
    ),
    _family("agile", rf"agile{_PRACTICE}|scrum{_PRACTICE}|kanban", "scrum kanban sprint sprints agile"),
    _family(
        "unit testing",
        r"unit[\s-]+test(?:s|ing)?|automated\s+(?:unit\s+)?test(?:s|ing)?|test\s+automation",
        "junit pytest jest mocha nunit xunit testng jasmine unittest rspec phpunit mockito karma vitest",
    ),
    _family(
        "cloud platforms",
        r"cloud(?:\s+(?:platforms?|services?|computing|environments?|infrastructure|providers?|technolog(?:y|ies)))?",
        "aws azure gcp googlecloud heroku digitalocean",
    ),
    _family(
        "containers",
        r"containers?|containeri[sz]ation|containeri[sz]ed(?:\s+\w+)?",
        "docker kubernetes k8s openshift podman",
    ),
    _family(
        "messaging",
        r"messag(?:ing|e)\s+(?:frameworks?|queues?|queuing|brokers?|systems?|bus)|message-oriented\s+middleware|"
        r"event\s+streaming|pub\s*/\s*sub",
        "rabbitmq kafka activemq sqs sns zeromq nats pulsar kinesis",
    ),
    _family(
        "object-oriented programming",
        r"object[\s-]+oriented(?:\s+(?:programming|design|languages?|development|analysis))*|oop|ood",
        "java c# c++ kotlin scala swift objective-c",
    ),
    _family(
        "the Microsoft stack",
        r"microsoft(?:\s+(?:technolog(?:y|ies)|technology\s+stack|stack|development\s+stack|platform))|"
        r"\.net(?:\s+(?:stack|framework|platform|technolog(?:y|ies)))?|dot\s*net",
        "c# asp.net vb.net dotnet netcore azure sqlserver mssql entityframework blazor wpf winforms",
    ),
    _family(
        "big data",
        r"big\s+data(?:\s+(?:technolog(?:y|ies)|tools?|platforms?|frameworks?|ecosystems?))?",
        "hadoop spark pyspark hive flink databricks hdfs mapreduce kafka",
    ),
    _family(
        "machine learning",
        r"machine\s+learning|ml",
        "scikit-learn sklearn tensorflow pytorch keras xgboost lightgbm",
    ),
    _family(
        "data visualisation",
        r"data\s+visuali[sz]ation(?:\s+tools?)?|bi\s+tools?|business\s+intelligence(?:\s+tools?)?|dashboards?",
        "tableau powerbi looker qlik qlikview qliksense matplotlib seaborn d3 d3.js plotly superset",
    ),
    _family(
        "infrastructure as code",
        r"infrastructure[\s-]+as[\s-]+code|iac|configuration\s+management(?:\s+tools?)?",
        "terraform ansible cloudformation puppet pulumi saltstack",
    ),
    _family(
        "Linux",
        r"linux|unix(?:-like)?|\*nix",
        "ubuntu debian centos rhel redhat fedora suse linux unix",
    ),
    _family("Elasticsearch", r"elastic\s*search", "elk kibana opensearch"),
    _family("the LAMP stack", r"lamp(?:\s+stack)?", "php"),
    _family("CSS", r"css3?|stylesheets?", "sass scss bootstrap tailwind tailwindcss"),
    _family(
        "spreadsheets and office tools",
        r"(?:ms|microsoft)\s+office(?:\s+suite)?|office\s+suite|spreadsheets?",
        "excel powerpoint outlook msoffice googlesheets",
    ),
    _family(
        "CRM systems",
        r"crm(?:\s+(?:systems?|software|platforms?|tools?))?|customer\s+relationship\s+management",
        "salesforce hubspot zoho pipedrive dynamics365",
    ),
    _family(
        "electronic health records",
        r"electronic\s+(?:health|medical)\s+records?|ehr|emr",
        "epic cerner meditech allscripts athenahealth eclinicalworks",
    ),
)


@dataclass(frozen=True)
class Shown:
    """A broad skill a requirement names and the resume shows: the requirement's terms it accounts
    for, and the resume's names that show it."""

    family: Family
    terms: frozenset[str]
    names: tuple[str, ...]


def shown(requirement: str, vocabulary: frozenset[str]) -> list[Shown]:
    """The broad skills ``requirement`` names that a resume of ``vocabulary`` (its
    :func:`interviewer.matching.coverage.resume_vocabulary`) shows by naming one of their members."""
    out = []
    for family in FAMILIES:
        spans = [m.group(0) for m in family.phrase.finditer(requirement)]
        if not spans:
            continue
        names = tuple(sorted(m for m in family.members if m in vocabulary))
        if names:
            out.append(Shown(family, frozenset(t for span in spans for t in _span_terms(span)), names))
    return out


def _span_terms(span: str) -> Iterable[str]:
    """The terms of a phrase as :func:`interviewer.matching.coverage.terms` lists them, with the words it
    drops as generic kept ("development", "environment")."""
    return [*coverage.terms(span), *(w.lower() for w in LETTERS.findall(span))]


def accounted(requirement: str, vocabulary: frozenset[str]) -> frozenset[str]:
    """The terms of ``requirement`` that a broad skill the resume shows accounts for."""
    return frozenset(t for s in shown(requirement, vocabulary) for t in s.terms)


def naming(text: str, vocabulary: frozenset[str]) -> list[str] | None:
    """The words by which a resume of ``vocabulary`` names every term of ``text`` (its own words,
    and the names that show a broad skill it asks for), None where some term is not named."""
    broad = shown(text, vocabulary)
    accounted_for = {t for s in broad for t in s.terms}
    own = list(dict.fromkeys(coverage.terms(text)))
    if not own or not all(coverage.named(t, vocabulary) or t in accounted_for for t in own):
        return None
    return [*(t for t in own if t not in accounted_for), *(n for s in broad for n in s.names)]
