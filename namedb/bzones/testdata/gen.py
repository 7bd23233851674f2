# -*- coding: utf-8 -*-
"""
Golden vectors for zonemirror's namedb/bzones, produced by the original.

Blockstack Core v21.0.0.5 ran on Python 2.7 with blockstack_zones 0.19.0.0;
its subdomain indexer (blockstack/lib/subdomains.py, decode_zonefile_subdomains)
does

    zonefile_json = dict(blockstack_zones.parse_zone_file(zonefile_txt))
    jsonschema.validate(zonefile_json, USER_ZONEFILE_SCHEMA)

on the raw bytes of a zone file (read with open(path, "rb"), so a Python 2
byte string: isspace(), upper() and int() are the C-locale, ASCII ones).

This script runs that very code and writes golden.json next to it:

    PYENV_VERSION=2.7.18 python namedb/bzones/testdata/gen.py

  * parse_zone_file.py, configs.py, exceptions.py, ... are taken unmodified
    from the git mirror of blockstack/zone-file-py at commit ZONES_COMMIT
    (version 0.19.0.0) and imported from a temporary directory. Under
    Python 2.7 no shim at all is applied.
  * USER_ZONEFILE_SCHEMA is taken from the original's schemas.py itself (the
    module text is executed with its one `from .config import ...` line
    replaced by LENGTHS read from config.py and dummies for the opcode
    constants, which the zone file schemas do not use). jsonschema is not
    available for Python 2 here (no pip offline), so `validate` below is a
    small hand-written interpreter of exactly the keywords that schema uses
    (type, properties, items, required, pattern via re.search, minimum,
    maximum, anyOf), with jsonschema's Draft 4 meaning; it refuses any other
    keyword. `--check-schema` (Python 3 with Debian's python3-jsonschema)
    checks it against the real jsonschema on every golden result.
  * Inputs: the 1,631 real zone files of the Stacks 2.0 genesis export
    (REAL below; "hash\\nzonefile-with-\\n-escaped" pairs); the hand-written
    cases in cases(); systematic families (odd tokens in every field the
    schema looks at, families()); and 1,500 random zone files from a fixed
    seed (random_cases()).
  * Bigger uncommitted sets, which TestGolden also checks when told to:
        ... gen.py --extra N SEED OUT.json     (N random files; SEED >= 100:
                                                record-shaped lines, >= 200:
                                                one line per file, >= 300:
                                                real files, a few bytes changed)
        ... gen.py --extra-from IN.json OUT.json   (IN: a JSON list of
                                                Latin-1 texts, e.g. a Go fuzz
                                                corpus)
    then BZONES_EXTRA=OUT.json go test -run TestGolden ./namedb/bzones/

Output (golden.json): {"cases": [...], "real": [...]}; every entry has
"error" (the Python exception class that parse_zone_file raised, or null),
"result" (the dict it returned; byte strings are written as Latin-1 decoded
text, so "\\u00e9" is the byte 0xE9; Python ints are JSON numbers) and "user"
(true if USER_ZONEFILE_SCHEMA accepts the result, null if parsing failed).
Hand cases also carry "text" (Latin-1 decoded input bytes); real entries carry
"hash" (the zone file's hash160, as in internal/realdata).

Python 3 (only to see how much a port to Python 3 would change):

    PYENV_VERSION=3.11.7 python namedb/bzones/testdata/gen.py --compare

runs the same library under Python 3 with the minimal shims it needs (see
load_zones: `filter` returning a list, `record_dict.keys()` copied to a list
because the loop deletes from the dict, an __init__ without Python-2 implicit
relative imports; input bytes decoded as Latin-1) and prints every hand case
whose outcome differs from golden.json. The golden file is made by 2.7, as
the original ran on, and the Go package follows it; what 3.x changes (seen
with 3.11.7 and 3.13.0: 155 and 156 of the 2,360 hand cases differ):
  * argparse: subparsers are optional from 3.3 on, so a zone file without a
    single token (empty, blank, comments only, or all swallowed by an open
    parenthesis) parses to an empty Namespace and parse_line then fails on
    record_token[0] with IndexError instead of InvalidLineException.
  * argparse: in 2.7 the token "-h=" (explicit empty argument to a packed
    single-dash flag) raises IndexError out of argparse, uncaught by
    parse_line; 3.x reports an ordinary error (InvalidLineException). Lines
    with other option-like tokens ("-x", "--=1", "-hh" ...) also end
    differently in 3.x in places (IndexError, or even accepted), because 3.x
    rewrote option and '--' handling; 3.13 also rejects "--ttl=--", which
    2.7 reads as ttl = [].
  * int(): Python 3 accepts '1_000', rejects '+ 7' / '- 7' (2.7's
    PyOS_strtoul skips blanks after the sign), and from 3.11 refuses more
    than 4300 digits.
  * str: Python 3's isspace() is Unicode-aware, so 0x85, 0xA0 and 0x1C-0x1F
    (as Latin-1) split tokens; Python 2 byte strings only know the six ASCII
    blanks.
"""

from __future__ import print_function

import ast
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tempfile
import traceback

PY2 = sys.version_info[0] == 2

HERE = os.path.dirname(os.path.abspath(__file__))
ZONES_GIT = '/work/.mirror/blockstack+zone-file-py/repo/.git'
ZONES_COMMIT = 'c1078c8c3c28f0881bc9a3af53d4972c4a6862d0'   # version 0.19.0.0
ORIG_LIB = '/work/orig/blockstack/lib'                       # Blockstack Core v21.0.0.5
REAL = '/work/shared/data/stx-genesis/name_zonefiles.txt'
GOLDEN = os.path.join(HERE, 'golden.json')


# ---------------------------------------------------------------- library

def git_show(path):
    return subprocess.check_output(['git', '--git-dir', ZONES_GIT, 'show',
                                    '%s:%s' % (ZONES_COMMIT, path)])


def load_zones():
    """Import blockstack_zones 0.19.0.0 from the git mirror; return parse_zone_file."""
    tmp = tempfile.mkdtemp(prefix='bzones-gen-')
    pkg = os.path.join(tmp, 'blockstack_zones')
    os.mkdir(pkg)
    names = ['__init__.py', 'configs.py', 'exceptions.py', 'parse_zone_file.py',
             'make_zone_file.py', 'record_processors.py']
    for n in names:
        src = git_show('blockstack_zones/' + n)
        if not PY2:
            src = src.decode('utf-8')
            if n == '__init__.py':
                # Python-2 implicit relative imports; only parse_zone_file is needed.
                src = 'from .parse_zone_file import parse_zone_file\n'
            elif n == 'parse_zone_file.py':
                # shim 1: filter() returns a list in Python 2.
                src = src.replace('import argparse\n',
                                  'import argparse\n_filter = filter\n'
                                  'def filter(f, xs): return list(_filter(f, xs))\n', 1)
                # shim 2: "clean fields" deletes from the dict it iterates.
                src = src.replace('for field in record_dict.keys():',
                                  'for field in list(record_dict.keys()):')
            src = src.encode('utf-8')
        with open(os.path.join(pkg, n), 'wb') as f:
            f.write(src)
    sys.path.insert(0, tmp)
    try:
        import blockstack_zones
        from blockstack_zones.parse_zone_file import parse_zone_file
    finally:
        sys.path.pop(0)
    shutil.rmtree(tmp)
    assert blockstack_zones is not None
    return parse_zone_file


def load_schema():
    """USER_ZONEFILE_SCHEMA from the original's schemas.py (LENGTHS from its config.py)."""
    with io.open(os.path.join(ORIG_LIB, 'config.py'), encoding='utf-8') as f:
        config = f.read()
    m = re.search(r'^LENGTHS = (\{.*?^\})', config, re.S | re.M)
    lengths = ast.literal_eval(m.group(1))
    with io.open(os.path.join(ORIG_LIB, 'schemas.py'), encoding='utf-8') as f:
        src = f.read()
    imp = ('from .config import LENGTHS, NAME_OPCODES, NAME_TRANSFER, TRANSFER_KEEP_DATA, '
           'TRANSFER_REMOVE_DATA, NAME_REGISTRATION, TOKEN_TYPE_STACKS\n')
    assert src.count(imp) == 1
    src = src.replace(imp, 'LENGTHS = %r\nNAME_OPCODES = {"X": "x"}\nNAME_TRANSFER = "x"\n'
                           'TRANSFER_KEEP_DATA = "x"\nTRANSFER_REMOVE_DATA = "x"\n'
                           'NAME_REGISTRATION = "x"\nTOKEN_TYPE_STACKS = "x"\n' % (lengths,))
    ns = {}
    if PY2:
        src = src.encode('utf-8')   # a unicode source may not carry a coding line
    exec(compile(src, 'schemas.py', 'exec'), ns)
    return ns['USER_ZONEFILE_SCHEMA']


# ---------------------------------------------------------------- schema

if PY2:
    STR_TYPES = (str, unicode)  # noqa: F821 (Python 2)
    INT_TYPES = (int, long)     # noqa: F821
else:
    STR_TYPES = (str,)
    INT_TYPES = (int,)


def is_type(v, t):
    """jsonschema Draft 4 type check (bool is neither integer nor number)."""
    if t == 'string':
        return isinstance(v, STR_TYPES)
    if t == 'integer':
        return isinstance(v, INT_TYPES) and not isinstance(v, bool)
    if t == 'number':
        return isinstance(v, INT_TYPES + (float,)) and not isinstance(v, bool)
    if t == 'object':
        return isinstance(v, dict)
    if t == 'array':
        return isinstance(v, list)
    if t == 'boolean':
        return isinstance(v, bool)
    if t == 'null':
        return v is None
    raise ValueError('unknown type %r' % t)


KNOWN = set(['type', 'properties', 'items', 'required', 'pattern', 'minimum', 'maximum', 'anyOf'])


def validate(v, schema, path='$'):
    """Return None if v satisfies schema, else a message (first failure)."""
    unknown = set(schema) - KNOWN
    if unknown:
        raise ValueError('schema keyword(s) not implemented: %r' % sorted(unknown))
    if 'type' in schema:
        ts = schema['type']
        if not isinstance(ts, list):
            ts = [ts]
        if not any(is_type(v, t) for t in ts):
            return '%s: not of type %r' % (path, schema['type'])
    if 'properties' in schema and isinstance(v, dict):
        for k in sorted(schema['properties']):
            if k in v:
                e = validate(v[k], schema['properties'][k], '%s.%s' % (path, k))
                if e:
                    return e
    if 'required' in schema and isinstance(v, dict):
        for k in schema['required']:
            if k not in v:
                return '%s: %r is required' % (path, k)
    if 'items' in schema and isinstance(v, list):
        for i, x in enumerate(v):
            e = validate(x, schema['items'], '%s[%d]' % (path, i))
            if e:
                return e
    if 'pattern' in schema and isinstance(v, STR_TYPES):
        if not re.search(schema['pattern'], v):
            return '%s: %r does not match %r' % (path, v, schema['pattern'])
    if 'minimum' in schema and is_type(v, 'number'):
        if v < schema['minimum']:
            return '%s: %r < %r' % (path, v, schema['minimum'])
    if 'maximum' in schema and is_type(v, 'number'):
        if v > schema['maximum']:
            return '%s: %r > %r' % (path, v, schema['maximum'])
    if 'anyOf' in schema:
        if all(validate(v, s, path) for s in schema['anyOf']):
            return '%s: matches none of anyOf' % path
    return None


# ---------------------------------------------------------------- running

def to_bytes(text):
    if isinstance(text, bytes):
        return text
    return text.encode('latin-1')


def latin1(b):
    return b.decode('latin-1')


def jsonable(v):
    """The parse result as JSON data: byte strings as Latin-1 text."""
    if isinstance(v, bytes):
        return latin1(v)
    if not PY2 and isinstance(v, str):
        return v
    if isinstance(v, bool) or v is None:
        return v
    if isinstance(v, INT_TYPES):
        return v
    if isinstance(v, list):
        return [jsonable(x) for x in v]
    if isinstance(v, dict):
        return dict((jsonable(k), jsonable(x)) for k, x in v.items())
    raise TypeError('unexpected %r' % (v,))


def run(parse_zone_file, schema, data):
    """Outcome of the original on zone file bytes: (error, result, user, why)."""
    text = data if PY2 else latin1(data)
    saved = sys.stdout
    sys.stdout = open(os.devnull, 'w')   # argparse's -h prints the usage
    limit = None
    if hasattr(sys, 'set_int_max_str_digits'):   # Python >= 3.11 (see load_golden)
        limit = sys.get_int_max_str_digits()
        sys.set_int_max_str_digits(sys.int_info.default_max_str_digits)
    try:
        zf = parse_zone_file(text)
    except Exception as e:
        return type(e).__name__, None, None, None
    finally:
        sys.stdout.close()
        sys.stdout = saved
        if limit is not None:
            sys.set_int_max_str_digits(limit)
    d = dict(zf)
    why = validate(d, schema)
    return None, jsonable(d), why is None, why


def outcome(parse_zone_file, schema, data):
    err, res, user, why = run(parse_zone_file, schema, data)
    o = {'error': err, 'result': res, 'user': user}
    if why:
        o['why'] = why   # informative only (the Go test compares "user")
    return o


# ---------------------------------------------------------------- inputs

def real_zonefiles():
    with open(REAL, 'rb') as f:
        lines = f.read().split(b'\n')
    if lines and lines[-1] == b'':
        lines.pop()
    assert len(lines) % 2 == 0
    out = []
    for i in range(0, len(lines), 2):
        h, z = lines[i].decode('ascii'), lines[i + 1].replace(b'\\n', b'\n')
        try:
            hh = hashlib.new('ripemd160', hashlib.sha256(z).digest()).hexdigest()
            assert hh == h, (i, h, hh)
        except ValueError:
            pass    # no ripemd160 in this OpenSSL; internal/realdata checks the hashes
        out.append((h, z))
    assert len(out) == 1631, len(out)
    return out


O = '$ORIGIN foo.id\n'
T = '$TTL 3600\n'
HEAD = O + T
PROFILE = '_http._tcp IN URI 10 1 "https://gaia.blockstack.org/hub/1ABC/profile.json"\n'
STD = HEAD + PROFILE

# A subdomain-carrying zone file in the shape the registrars wrote.
SUBDOMAINS = (
    '$ORIGIN bar.id\n$TTL 3600\n'
    '_resolver IN URI 10 1 "https://registrar.example.org"\n'
    '_http._tcp IN URI 10 1 "https://gaia.blockstack.org/hub/1XYZ/profile.json"\n'
    'alice TXT "owner=1ABCDEF" "seqn=0" "parts=1" "zf0=JE9SSUdJTiBhbGljZQ=="\n'
    'bob TXT "owner=1BCDEFG" "seqn=3" "parts=2" "zf0=JE9SSUdJTiBib2I=" "zf1=CiRUVEwgMzYwMAo="\n'
    '_missing TXT "1,2,3"\n'
)

SOA = ('$ORIGIN example.id\n$TTL 3600\n'
       '@ IN SOA ns1.example.com. admin.example.com. (\n'
       '    2017010101 ; serial\n'
       '    7200       ; refresh\n'
       '    3600 1209600\n'
       '    3600 )     ; minimum\n'
       '@ IN NS ns1.example.com.\n'
       '@ 300 IN A 1.2.3.4\n'
       'www IN CNAME @\n')


def cases():
    """(name, text) hand-written cases; text is str (Latin-1 for bytes >= 0x80)."""
    c = []

    def add(name, text):
        c.append((name, text))

    # --- empty and trivial files
    add('empty', '')
    add('newline', '\n')
    add('blank lines', '\n\n\n')
    add('spaces only', '   \n\t\n')
    add('comment only', '; nothing here\n')
    add('origin only', O)
    add('ttl only', T)
    add('origin and ttl', HEAD)
    add('origin and ttl no final newline', '$ORIGIN foo.id\n$TTL 3600')
    # --- the standard profile zone file and its variants
    add('standard', STD)
    add('standard tabs', '$ORIGIN foo.id\n$TTL 3600\n_http._tcp\tIN\tURI\t10\t1\t"https://gaia.blockstack.org/hub/1ABC/profile.json"\n\n')
    add('standard crlf', STD.replace('\n', '\r\n'))
    add('standard cr only', STD.replace('\n', '\r'))
    add('standard no newline at end', STD.rstrip('\n'))
    add('standard with comments', '; zone\n$ORIGIN foo.id ; origin\n$TTL 3600;ttl\n' + PROFILE.rstrip('\n') + ' ; profile\n')
    add('standard leading blanks', '   $ORIGIN foo.id\n\t$TTL 3600\n  ' + PROFILE)
    add('standard twice origin', STD + '$ORIGIN bar.id\n')
    add('standard twice ttl', STD + '$TTL 60\n')
    add('missing ttl', O + PROFILE)
    add('missing origin', T + PROFILE)
    add('subdomains', SUBDOMAINS)
    add('subdomains crlf', SUBDOMAINS.replace('\n', '\r\n'))
    add('soa and friends', SOA)
    # --- $TTL values
    for v in ['0', '-1', '2147483647', '2147483648', '00042', '+5', '-0', 'abc', '1h', '3600s',
              '1_000', '0x10', '5L', '99999999999999999999999', '-99999999999999999999',
              '"3600"', '" 3600 "', '"+ 7"', '"- 7"', '"\t8"', '3600 3600', '--', '-- 5',
              '"5 5"', '3.5', '-', '-5', '\\3600', '"36"00', '\\ 3600']:
        add('$TTL ' + v, O + '$TTL ' + v + '\n' + PROFILE)
    add('$TTL 5000 digits', O + '$TTL ' + '1' * 5000 + '\n' + PROFILE)
    add('txt ttl 5000 digits', HEAD + 'a ' + '9' * 5000 + ' TXT x\n')
    add('$TTL missing value', O + '$TTL\n' + PROFILE)
    add('$TTL lower case directive', O + '$ttl 3600\n' + PROFILE)
    add('$TTL with class', O + '$TTL IN 3600\n' + PROFILE)
    add('$TTL lower in', O + '$TTL in 3600\n' + PROFILE)
    # --- $ORIGIN values
    for v in ['foo.id', 'FOO.ID', 'foo', 'a.b.c', 'foo.id.', 'x' * 37 + '.id', 'x' * 38 + '.id',
              'foo.' + 'n' * 19, 'foo.' + 'n' * 20, 'f_o-o+.i-d', 'f~o.id', 'f%20.id', '"foo.id"',
              '"foo .id"', 'foo\\;.id', '-', '--', '-x', '-5', '@', '\xc3\xa9.id', 'foo.id\x00']:
        add('$ORIGIN ' + v, '$ORIGIN ' + v + '\n' + T + PROFILE)
    add('$ORIGIN missing value', '$ORIGIN\n' + T + PROFILE)
    add('$ORIGIN two values', '$ORIGIN foo.id bar.id\n' + T + PROFILE)
    add('$ORIGIN and $TTL one line', '$ORIGIN test-personal.id $TTL 3600\n' + PROFILE)
    add('$origin lower', '$origin foo.id\n' + T + PROFILE)
    add('-- $ORIGIN is ignored', STD + '-- $ORIGIN\n')
    add('-- $ORIGIN value', '-- $ORIGIN foo.id\n' + T + PROFILE)
    add('$ORIGIN -- value', '$ORIGIN -- foo.id\n' + T + PROFILE)
    add('$ORIGIN -h', '$ORIGIN -h\n' + T + PROFILE)
    add('$ORIGIN --help', '$ORIGIN --help\n' + T + PROFILE)
    add('$INCLUDE', STD + '$INCLUDE /etc/passwd\n')
    add('$GENERATE', STD + '$GENERATE 1-3 a$ A 1.2.3.4\n')
    # --- the class
    for cls in ['IN', 'in', 'In', 'iN', 'CS', 'cs', 'CH', 'ch', 'HS', 'hs', 'Hs', 'CLASS1', 'ANY']:
        add('class ' + cls, HEAD + '_http._tcp ' + cls + ' URI 10 1 "https://x.example/p"\n')
    add('class in and IN', HEAD + '_http._tcp in IN URI 10 1 "https://x"\n')
    add('class IN and in', HEAD + '_http._tcp IN in URI 10 1 "https://x"\n')
    add('class IN twice', HEAD + '_http._tcp IN IN URI 10 1 "https://x"\n')
    add('class IN and CS', HEAD + '_http._tcp IN CS URI 10 1 "https://x"\n')
    add('class CS and in', HEAD + '_http._tcp CS in URI 10 1 "https://x"\n')
    add('class in in a later line than a bad line', HEAD + 'garbage\n@ in TXT "x"\n')
    add('class after type', HEAD + '_http._tcp URI IN 10 1 "https://x"\n')
    add('class before name', HEAD + 'IN _http._tcp URI 10 1 "https://x"\n')
    add('class only', HEAD + 'IN\n')
    add('txt string IN', HEAD + 'a TXT "IN"\n')
    add('txt strings IN x', HEAD + 'a TXT "IN" "x"\n')
    add('txt string in', HEAD + 'a TXT "in"\n')
    add('txt string CH and IN class', HEAD + 'a IN TXT "CH"\n')
    add('txt string hs', HEAD + 'a TXT "hs" "y"\n')
    add('txt string "in x"', HEAD + 'a TXT "in x"\n')
    add('name IN', HEAD + 'IN IN A 1.2.3.4\n')
    add('$ORIGIN in', '$ORIGIN in\n' + T)
    # --- TXT records
    add('txt single', HEAD + 'a TXT "hello"\n')
    add('txt single unquoted', HEAD + 'a TXT hello\n')
    add('txt two', HEAD + 'a TXT "hello" "world"\n')
    add('txt many', HEAD + 'a TXT ' + ' '.join('"s%d"' % i for i in range(40)) + '\n')
    add('txt with IN', HEAD + 'a IN TXT "hello"\n')
    add('txt no name', HEAD + 'TXT "hello"\n')
    add('txt no name with IN', HEAD + 'IN TXT "hello"\n')
    add('txt at name', HEAD + '@ TXT "hello"\n')
    add('txt no strings', HEAD + 'a TXT\n')
    add('txt empty string', HEAD + 'a TXT ""\n')
    add('txt empty and x', HEAD + 'a TXT "" "x"\n')
    add('txt space string', HEAD + 'a TXT " "\n')
    add('txt spaces inside', HEAD + 'a TXT "a b  c   d"\n')
    add('txt leading trailing spaces', HEAD + 'a TXT "  a  " "b "\n')
    add('txt tab inside', HEAD + 'a TXT "a\tb"\n')
    add('txt tab and space inside', HEAD + 'a TXT "a\t b"\n')
    add('txt cr inside', HEAD + 'a TXT "a\rb"\n')
    add('txt vt ff inside', HEAD + 'a TXT "a\x0bb\x0cc"\n')
    add('txt escaped quote', HEAD + 'a TXT "a\\"b"\n')
    add('txt escaped quote unquoted', HEAD + 'a TXT a\\"b\n')
    add('txt escaped quote with space', HEAD + 'a TXT "a \\" b"\n')
    add('txt escaped backslash', HEAD + 'a TXT "a\\\\b"\n')
    add('txt backslash n', HEAD + 'a TXT "a\\nb"\n')
    add('txt escaped space', HEAD + 'a TXT a\\ b\n')
    add('txt escaped semicolon', HEAD + 'a TXT "a\\;b"\n')
    add('txt escaped semicolon unquoted', HEAD + 'a TXT a\\;b\n')
    add('txt semicolon in quotes is a comment', HEAD + 'a TXT "a;b" "c"\n')
    add('txt semicolon in quotes with space', HEAD + 'a TXT "a ;b"\n')
    add('txt comment after', HEAD + 'a TXT "x" ; comment "y"\n')
    add('txt unterminated quote', HEAD + 'a TXT "abc\n')
    add('txt unterminated quote with space', HEAD + 'a TXT "abc def\n')
    add('txt unterminated quote trailing space', HEAD + 'a TXT "abc \n')
    add('txt unterminated quote only spaces', HEAD + 'a TXT "   \n')
    add('txt quote in middle', HEAD + 'a TXT ab"c d"ef\n')
    add('txt adjacent quotes', HEAD + 'a TXT "a""b"\n')
    add('txt adjacent quotes with space', HEAD + 'a TXT "a b""c d"\n')
    add('txt equals escaped', HEAD + 'a TXT "k=v\\=w"\n')
    add('txt owner record', HEAD + 'alice TXT "owner=1abc" "seqn=0" "parts=1" "zf0=abc"\n')
    add('txt with ttl', HEAD + 'a 300 TXT "x"\n')
    add('txt with ttl and IN', HEAD + 'a 300 IN TXT "x"\n')
    add('txt with IN and ttl', HEAD + 'a IN 300 TXT "x"\n')
    add('txt ttl no name', HEAD + '300 TXT "x"\n')
    add('txt ttl non int', HEAD + 'a 5m TXT "x"\n')
    add('txt ttl negative', HEAD + 'a -5 TXT "x"\n')
    add('txt --ttl option', HEAD + 'a TXT --ttl 7 "x"\n')
    add('txt --ttl= option', HEAD + 'a TXT --ttl=7 "x"\n')
    add('txt --t= abbreviation', HEAD + 'a TXT --t=7 "x"\n')
    add('txt --tt abbreviation', HEAD + 'a TXT --tt 7 "x"\n')
    add('txt --ttl after strings', HEAD + 'a TXT "x" --ttl 7\n')
    add('txt --ttl between strings', HEAD + 'a TXT "x" --ttl 7 "y"\n')
    add('txt --ttl twice', HEAD + 'a TXT --ttl 7 "x" --ttl 8\n')
    add('txt ttl and --ttl', HEAD + 'a 5 TXT "x" --ttl 9\n')
    add('txt --ttl=--', HEAD + 'a TXT --ttl=-- "x"\n')
    add('txt --ttl=', HEAD + 'a TXT --ttl= "x"\n')
    add('txt --ttl non int', HEAD + 'a TXT --ttl x "y"\n')
    add('txt --ttl missing arg', HEAD + 'a TXT "y" --ttl\n')
    add('txt --ttl then --', HEAD + 'a TXT --ttl -- "y"\n')
    add('txt -h', HEAD + 'a TXT -h\n')
    add('txt --help', HEAD + 'a TXT "x" --help\n')
    add('txt --he', HEAD + 'a TXT "x" --he\n')
    add('txt --h', HEAD + 'a TXT "x" --h\n')
    add('txt -- ambiguous --=5', HEAD + 'a TXT --=5 "x"\n')
    add('txt -x', HEAD + 'a TXT "-x"\n')
    add('txt -5', HEAD + 'a TXT "-5"\n')
    add('txt -1.5', HEAD + 'a TXT -1.5\n')
    add('txt -.5', HEAD + 'a TXT -.5\n')
    add('txt -5.', HEAD + 'a TXT -5.\n')
    add('txt dash', HEAD + 'a TXT -\n')
    add('txt dash dash x', HEAD + 'a TXT -- -x\n')
    add('txt dash dash alone', HEAD + 'a TXT --\n')
    add('txt dash dash twice', HEAD + 'a TXT -- --\n')
    add('txt x dash dash', HEAD + 'a TXT x --\n')
    add('txt x dash dash y', HEAD + 'a TXT x -- y\n')
    add('txt dash with space', HEAD + 'a TXT "-a b"\n')
    add('txt -h with space', HEAD + 'a TXT "-h b"\n')
    add('txt -hx', HEAD + 'a TXT -hx\n')
    add('txt --ttl with space', HEAD + 'a TXT "--ttl 5" x\n')
    add('txt --x=y', HEAD + 'a TXT --x=y\n')
    add('txt -x=y', HEAD + 'a TXT "-x=y z"\n')
    add('txt name dash', HEAD + '- TXT "x"\n')
    add('txt name -x', HEAD + '-x TXT "x"\n')
    add('txt name -5', HEAD + '-5 TXT "x"\n')
    add('txt name --', HEAD + '-- TXT "x"\n')
    add('txt name -- with ttl', HEAD + '-- 5 TXT x\n')
    add('txt name -- with ttl two', HEAD + '-- 5 TXT x y\n')
    add('txt name --ttl', HEAD + '--ttl TXT "x"\n')
    add('txt type lower', HEAD + 'a txt "x"\n')
    add('txt type twice', HEAD + 'a TXT TXT\n')
    add('txt string TXT', HEAD + 'a TXT "TXT" "x"\n')
    add('txt name TXT', HEAD + 'TXT TXT "x"\n')
    add('txt three tokens before type', HEAD + 'a b c TXT "x"\n')
    add('txt name not a ttl', HEAD + 'a b TXT "x"\n')
    add('txt name urlencoded', HEAD + 'a%20b~c/d-e_f.g TXT "x"\n')
    add('txt name space', HEAD + '"a b" TXT "x"\n')
    add('txt name star', HEAD + '* TXT "x"\n')
    add('txt name equals', HEAD + 'a=b TXT "x"\n')
    add('txt name upper', HEAD + 'ALICE TXT "owner=x" "seqn=0"\n')
    add('txt name latin1', HEAD + '\xe9 TXT "x"\n')
    add('txt name utf8', HEAD + '\xc3\xa9 TXT "x"\n')
    add('txt nbsp', HEAD + 'a TXT x\xa0y\n')
    add('txt nel', HEAD + 'a TXT x\x85y\n')
    add('txt nul', HEAD + 'a TXT x\x00y\n')
    add('$TTL with nul', O + '$TTL 36\x0000\n' + PROFILE)
    add('$TTL trailing nul', O + '$TTL 3600\x00\n' + PROFILE)
    add('uri priority nul', HEAD + 'x URI 1\x00 1 "https://a.example"\n')
    add('txt escape pending over blank then quote', HEAD + 'a TXT "x\\ " y\n')
    add('txt escape pending over blank then semicolon', HEAD + 'a TXT "x\\ ;" y\n')
    add('txt escape pending over tab then backslash', HEAD + 'a TXT "x\\\t\\"" y\n')
    add('txt control 1c', HEAD + 'a TXT x\x1cy\n')
    add('txt high bytes', HEAD + 'a TXT "\xff\xfe \x80"\n')
    add('txt parenthesised', HEAD + 'a TXT ( "x"\n "y" )\n')
    add('txt parens in quotes', HEAD + 'a TXT "a (b) c"\n')
    add('txt open paren in quotes', HEAD + 'a TXT "a (b"\n' + PROFILE)
    add('txt open paren unclosed drops rest', HEAD + 'a TXT (x\n' + PROFILE)
    add('txt close paren only', HEAD + 'a TXT x)\n')
    add('txt paren tokens', HEAD + 'a TXT ( ) x\n')
    add('txt empty parens', HEAD + 'a TXT () x\n')
    add('txt double parens', HEAD + 'a TXT ((x)) y\n')
    add('txt paren close inside word', HEAD + 'a TXT (x y)z w\n')
    add('txt paren on own lines', HEAD + 'a TXT (\n"x"\n\n"y"\n)\n')
    add('txt paren with comments', HEAD + 'a TXT ( "x" ; c1\n "y" ; c2 )\n "z" )\n')
    add('txt two records', HEAD + 'a TXT "x"\nb TXT "y" "z"\n')
    add('txt after uri', STD + 'a TXT "x"\n')
    add('txt missing', '$ORIGIN foo.id\n$TTL 3600\n_missing TXT "1,2"\n')
    # --- URI records
    add('uri no ttl', HEAD + 'x URI 10 1 "https://a.example"\n')
    add('uri ttl', HEAD + 'x 60 URI 10 1 "https://a.example"\n')
    add('uri ttl IN', HEAD + 'x 60 IN URI 10 1 "https://a.example"\n')
    add('uri no name', HEAD + 'URI 10 1 "https://a.example"\n')
    add('uri no name IN', HEAD + 'IN URI 10 1 "https://a.example"\n')
    add('uri name space', HEAD + '"a b" URI 10 1 "https://a.example"\n')
    add('uri name at', HEAD + '@ URI 10 1 "https://a.example"\n')
    add('uri missing target', HEAD + 'x URI 10 1\n')
    add('uri extra field', HEAD + 'x URI 10 1 "https://a" extra\n')
    add('uri extra field with ttl', HEAD + 'x 5 URI 10 1 "https://a" extra\n')
    for p, w in [('0', '0'), ('65535', '65535'), ('65536', '1'), ('1', '65536'), ('-1', '1'),
                 ('1', '-1'), ('a', '1'), ('1', 'b'), ('010', '001'), ('+1', '+2'), ('"1"', '"2"'),
                 ('99999999999999999999', '1'), ('--', '1'), ('1', '--'), ('-- 1', '2')]:
        add('uri priority %s weight %s' % (p, w), HEAD + 'x URI %s %s "https://a.example"\n' % (p, w))
    for tgt in ['https://a.example/p?q=1&r=2#f', 'a+b://x', 'A+b://x', 'ftp://x y', 'x', '~x%20',
                'https://a.example/@x', 'https://a.example/p;x', 'https://a.example/p\\;x',
                'mailto:a@b', 'http://[::1]/', 'https://a.example/', '', ' ', 'https://\xe9',
                'https://a b', '--', '-x', '-5', 'h\\"x']:
        add('uri target ' + tgt, HEAD + '_http._tcp IN URI 10 1 "' + tgt + '"\n')
    add('uri target unquoted', HEAD + '_http._tcp IN URI 10 1 https://a.example/x\n')
    add('uri two', STD + '_resolver IN URI 10 1 "https://r.example"\n')
    add('uri type lower', HEAD + 'x uri 10 1 "https://a"\n')
    # --- other record types
    add('a', HEAD + 'www A 1.2.3.4\n')
    add('a ttl', HEAD + 'www 60 A 1.2.3.4\n')
    add('a ttl IN', HEAD + 'www 60 IN A 1.2.3.4\n')
    add('a no name', HEAD + 'A 1.2.3.4\n')
    add('a missing ip', HEAD + 'www A\n')
    add('a extra', HEAD + 'www A 1.2.3.4 5.6.7.8\n')
    add('a non-int ttl', HEAD + 'www 1h A 1.2.3.4\n')
    add('a name not ttl (assertion)', HEAD + 'foo bar A\n')
    add('a name dashdash', HEAD + '-- A 1.2.3.4\n')
    add('a ip dashdash', HEAD + 'www A --\n')
    add('a dashdash twice', HEAD + 'www A -- --\n')
    add('a ttl dashdash', HEAD + 'www -- A 1.2.3.4\n')
    add('a name -1', HEAD + '-1 A 1.2.3.4\n')
    add('a -x', HEAD + '-x A 1.2.3.4\n')
    add('aaaa', HEAD + 'www AAAA ::1\n')
    add('cname', HEAD + 'www CNAME foo.id.\n')
    add('alias', HEAD + 'www ALIAS foo.id.\n')
    add('mx', HEAD + '@ MX 10 mail.foo.id.\n')
    add('mx ttl', HEAD + '@ 60 IN MX 10 mail.foo.id.\n')
    add('mx preference not int', HEAD + '@ MX ten mail\n')
    add('ns', HEAD + '@ NS ns1.foo.id.\n')
    add('srv', HEAD + '_sip._tcp SRV 10 60 5060 sip.foo.id.\n')
    add('srv bad port', HEAD + '_sip._tcp SRV 10 60 port sip\n')
    add('spf', HEAD + '@ SPF "v=spf1 -all"\n')
    add('ptr', HEAD + '1 PTR host.foo.id.\n')
    add('ptr after bad line', HEAD + 'garbage\n1 PTR host.foo.id.\n')
    add('ptr before bad line', HEAD + '1 PTR host.foo.id.\ngarbage\n')
    add('soa one line', HEAD + '@ IN SOA ns admin 1 2 3 4 5\n')
    add('soa ttl', HEAD + '@ 60 IN SOA ns admin 1 2 3 4 5\n')
    add('soa bad serial', HEAD + '@ IN SOA ns admin x 2 3 4 5\n')
    add('soa twice', HEAD + '@ IN SOA ns admin 1 2 3 4 5\n@ IN SOA ns admin 1 2 3 4 6\n')
    add('unsupported HINFO', STD + 'www HINFO "x86" "linux"\n')
    add('unsupported CAA', STD + '@ CAA 0 issue "letsencrypt.org"\n')
    add('unsupported DNAME', STD + 'x DNAME y\n')
    add('unsupported type first', 'HINFO x y\n' + STD)
    add('lower a', STD + 'www a 1.2.3.4\n')
    add('garbage line', STD + 'garbage\n')
    add('garbage words', STD + 'hello world how are you\n')
    add('type name only', STD + 'TXT\n')
    add('type name only A', STD + 'A\n')
    add('dollar only', STD + '$\n')
    add('escape at end of line', STD + 'a TXT x\\\n')
    add('backslash only line', STD + '\\\n')
    add('quote only line', STD + '"\n')
    add('two quotes line', STD + '""\n')
    add('semicolon line', STD + ';\n')
    add('escaped semicolon line', STD + '\\;\n')
    add('open paren only line', STD + '(\n')
    add('close paren only line', STD + ')\n')
    add('parens only line', STD + '()\n')
    add('paren record', HEAD + '( a TXT "x" )\n' + PROFILE)
    add('paren spans records', HEAD + 'a TXT ( "x"\nb TXT "y" )\n' + PROFILE)
    add('paren name', HEAD + '(a) TXT "x"\n')
    add('nul byte line', STD + '\x00\n')
    add('form feed separators', HEAD + 'a\x0cTXT\x0b"x"\n')
    add('dos eof', STD + '\x1a')
    add('utf8 bom', '\xef\xbb\xbf' + STD)
    add('long txt string', HEAD + 'a TXT "' + 'x' * 4000 + '"\n')
    add('many txt records', HEAD + ''.join('n%d TXT "v%d" "w"\n' % (i, i) for i in range(300)))
    add('many tokens', HEAD + 'a TXT ' + 'x ' * 3000 + '\n')
    add('many --ttl', HEAD + 'a TXT ' + '--ttl 1 ' * 500 + 'x\n')
    add('many dashes', HEAD + 'a TXT -- ' + '-- ' * 500 + 'x\n')
    add('many parens', HEAD + 'a TXT ' + '(x) ' * 500 + '\n' + PROFILE)
    add('many quotes', HEAD + 'a TXT ' + '"x" ' * 1000 + '\n')
    add('many semicolons escaped', HEAD + 'a TXT ' + 'x\\; ' * 500 + '\n')
    add('many lines', HEAD + 'a TXT x\n' * 2000)
    # --- argparse: the one IndexError, and what comes first
    add('txt -h=', HEAD + 'a TXT -h=\n')
    add('txt x -h=', HEAD + 'a TXT x -h=\n')
    add('a -h=', HEAD + 'www A -h=\n')
    add('a ip then -h=', HEAD + 'www A 1.2.3.4 -h=\n')
    add('$ORIGIN -h=', '$ORIGIN -h=\n' + T + PROFILE)
    add('$TTL -h=', O + '$TTL -h=\n' + PROFILE)
    add('-h= after a bad line', HEAD + 'garbage\na TXT -h=\n')
    add('-h= before a bad line', HEAD + 'a TXT -h=\ngarbage\n')
    add('-h= before lower in', HEAD + 'a TXT -h=\n@ in TXT x\n')
    add('txt unknown option then -h=', HEAD + 'a TXT x --bogus -h=\n')
    add('txt -h= then unknown option', HEAD + 'a TXT x -h= --bogus\n')
    add('txt --ttl bad then -h=', HEAD + 'a TXT --ttl x -h= y\n')
    add('txt -h= then --ttl bad', HEAD + 'a TXT -h= --ttl x y\n')
    add('txt --ttl missing then -h=', HEAD + 'a TXT x --ttl -h=\n')
    add('txt -h then -h=', HEAD + 'a TXT x -h -h=\n')
    add('txt ambiguous then -h=', HEAD + 'a TXT x --=1 -h=\n')
    add('txt -h= then ambiguous', HEAD + 'a TXT x -h= --=1\n')
    add('uri bad priority then -h=', HEAD + 'x URI a 1 t -h=\n')
    add('uri -h= then bad priority', HEAD + 'x URI -h= a 1 t\n')
    add('uri priority -h= weight', HEAD + 'x URI 1 -h= 2 t\n')
    add('a too few then -h=', HEAD + 'www A -h=\n')
    add('txt -- -h=', HEAD + 'a TXT -- -h=\n')
    add('txt "-h= x"', HEAD + 'a TXT "-h= x"\n')
    add('txt -h=x', HEAD + 'a TXT y -h=x\n')
    add('txt -hh', HEAD + 'a TXT y -hh\n')
    add('txt -hhh=', HEAD + 'a TXT y -hhh=\n')
    add('txt -h==', HEAD + 'a TXT y -h==\n')
    add('txt --help=', HEAD + 'a TXT y --help=\n')
    add('txt --h=x', HEAD + 'a TXT y --h=x\n')
    add('txt --tt=5', HEAD + 'a TXT y --tt=5\n')
    add('txt --ttl=5 x', HEAD + 'a TXT "--ttl=5 x" y\n')
    add('txt --ttl=" 5"', HEAD + 'a TXT "--ttl= 5" y\n')
    add('a --=x', HEAD + 'www A 1.2.3.4 --=x\n')
    add('a --ttl', HEAD + 'www A --ttl 5 1.2.3.4\n')
    add('$TTL --ttl', O + '$TTL --ttl 5\n' + PROFILE)
    add('soa -h', HEAD + '@ IN SOA ns admin 1 2 3 4 5 -h\n')
    add('mx -h', HEAD + '@ MX 10 mail -h\n')
    add('srv --help', HEAD + '_s._tcp SRV 1 2 3 t --help\n')
    add('uri -- target', HEAD + 'x URI 1 2 -- -t\n')
    add('uri -- between', HEAD + 'x URI 1 -- 2 t\n')
    add('uri -- first', HEAD + 'x URI -- 1 2 t\n')
    add('uri ttl --', HEAD + 'x 5 URI -- 1 2 t\n')
    add('uri -- -- target', HEAD + 'x URI 1 2 -- --\n')
    add('txt -- -- x', HEAD + 'a TXT -- -- x\n')
    add('txt -- x --', HEAD + 'a TXT -- x --\n')
    add('txt x -- -- y', HEAD + 'a TXT x -- -- y\n')
    add('txt ttl -- x', HEAD + 'a 5 TXT -- x\n')
    add('a name -- ip --', HEAD + '-- A 1.2.3.4 --\n')
    add('a -- -- -- ', HEAD + 'www A -- -- --\n')
    add('soa with --', HEAD + '@ SOA ns admin 1 2 -- 3 4 5\n')
    add('name $TTL', HEAD + 'foo $TTL 5\n')
    add('dash dash $TTL', HEAD + '-- $TTL 5\n')
    add('$TTL then name', HEAD + '$TTL 5 foo\n')
    add('$TTL 5 --', O + '$TTL 5 --\n' + PROFILE)
    add('$TTL -- --', O + '$TTL -- --\n' + PROFILE)
    add('$ORIGIN -- --', '$ORIGIN -- --\n' + T + PROFILE)
    add('$ORIGIN x --', '$ORIGIN foo.id --\n' + T + PROFILE)
    # --- parentheses, more
    add('two groups one line', HEAD + 'a TXT (x) (y)\n')
    add('group closed in quotes', HEAD + 'a TXT ( "x y)" z\n' + PROFILE)
    add('group opened in quotes closed outside', HEAD + 'a TXT "x (y" z )\nb TXT w\n')
    add('group over origin', '$ORIGIN ( foo.id\n)\n' + T + PROFILE)
    add('group over ttl', O + '$TTL (\n3600 )\n' + PROFILE)
    add('group nested', HEAD + 'a TXT ( x ( y ) z )\n' + PROFILE)
    add('group close then open', HEAD + 'a TXT x) (y\nz)\n')
    add('paren in name', HEAD + 'a(b TXT x\n')
    add('paren after comment', HEAD + 'a TXT x ; (\nb TXT y\n')
    add('escaped paren', HEAD + 'a TXT \\(x\nb TXT y\n')
    # --- realistic shapes
    add('spf at apex', STD + '@ IN TXT "v=spf1 -all"\n')
    add('dkim', STD + 'mail._domainkey IN TXT "v=DKIM1; k=rsa; p=MIGf"\n')
    add('dkim escaped', STD + 'mail._domainkey IN TXT "v=DKIM1\\; k=rsa\\; p=MIGf"\n')
    add('https uri name', HEAD + '_https._tcp IN URI 10 1 "https://example.org/profile.json"\n')
    add('bind style', '$ORIGIN foo.id.\n$TTL 1h\n@ IN SOA ns.foo.id. root.foo.id. ( 1 1h 15m 1w 1h )\n')
    add('bind style numeric', '$ORIGIN foo.id\n$TTL 3600\n@ 3600 IN SOA ns.foo.id. root.foo.id. ( 1 3600 900 604800 3600 )\n' + PROFILE)
    add('registrar subdomain file', SUBDOMAINS + 'carol TXT "owner=1C" "seqn=0" "parts=0"\n')
    add('subdomain name with dot', HEAD + 'a.b TXT "owner=1" "seqn=0" "parts=0"\n')
    add('resolver with ttl', HEAD + '_resolver 60 IN URI 10 1 "https://r.example"\n')
    return c


# Tokens put in every field of the records the schema looks at.
WEIRD = ['x', '"x"', '""', '" "', '"a b"', '-', '--', '-x', '--x', '-5', '-1.5', '-h', '--help',
         '--ttl', '--ttl=1', '--t=1', '-- 1', 'in', 'IN', 'In', 'CS', 'hs', 'TXT', 'URI', 'A',
         '$TTL', '$ORIGIN', '@', '7', '+7', '"- 7"', '1_0', '007', '(x)', '(x', 'x)', '\\;',
         'a\\;b', '"a;b"', '\\"', '\xc3\xa9', '\xa0', '"\t"']


def random_cases(n):
    """Random zone files from a pool of tokens (a fixed seed: the texts are in golden.json)."""
    import random
    rnd = random.Random(20240518)
    pool = ['a', '_http._tcp', '@', 'foo.id', '3600', '10', '1', '-1', '0', '65536', 'IN', 'in', 'CS',
            'TXT', 'URI', 'A', 'MX', 'SOA', 'PTR', 'NS', 'SRV', '$ORIGIN', '$TTL', 'txt', '"x"',
            '"a b"', '""', '"', '\\"', '\\', ';', '\\;', '(', ')', '(x', 'x)', '-', '--', '-h',
            '-h=', '--ttl', '--ttl=5', '--t', '-5', '-x', '--help', '"https://x.example/p"',
            'https://y', 'a+b://z', '"owner=1abc"', '"seqn=0"', '"parts=1"', '\t', '\r', '\x0b',
            '\xa0', '\xe9', '"-a b"', '" 7"', '+7']
    types = ['TXT', 'URI', 'A', 'MX', 'SOA', 'NS', 'CNAME', 'SRV', 'SPF', 'AAAA', 'ALIAS', 'PTR']
    c = []
    for i in range(n):
        lines = []
        if rnd.random() < 0.7:
            lines.append('$ORIGIN foo.id')
        if rnd.random() < 0.7:
            lines.append('$TTL 3600')
        for _ in range(rnd.randint(1, 4)):
            if rnd.random() < 0.6:
                # a record-like line, perhaps corrupted
                t = rnd.choice(types)
                toks = []
                if rnd.random() < 0.8:
                    toks.append(rnd.choice(['a', '_http._tcp', '@', '_resolver', 'b-c', '-', '--']))
                if rnd.random() < 0.3:
                    toks.append(rnd.choice(['60', '3600', '-5', 'x', '--']))
                if rnd.random() < 0.6:
                    toks.append(rnd.choice(['IN', 'IN', 'in', 'CH']))
                toks.append(t)
                for _ in range(rnd.randint(0, 4)):
                    toks.append(rnd.choice(pool))
                if rnd.random() < 0.3:
                    toks.insert(rnd.randint(0, len(toks)), rnd.choice(pool))
            else:
                toks = [rnd.choice(pool) for _ in range(rnd.randint(0, 6))]
            sep = rnd.choice([' ', ' ', ' ', '\t', '  '])
            lines.append(sep.join(toks))
        rnd.shuffle(lines) if rnd.random() < 0.1 else None
        end = rnd.choice(['\n', '\n', '\r\n', ''])
        c.append(('random %d' % i, end.join(lines) + end))
    return c


def wild_cases(n, seed):
    """Random zone files for --extra: tokens and bytes from a pool biased to the parser's edges."""
    import random
    rnd = random.Random(seed)
    words = ['a', '_http._tcp', '@', 'foo.id', '3600', '10', '1', '-1', '0', '007', '65536', '+5',
             'IN', 'in', 'In', 'CS', 'cs', 'CH', 'HS', 'TXT', 'URI', 'A', 'MX', 'SOA', 'PTR', 'NS',
             'SRV', 'SPF', 'AAAA', 'CNAME', 'ALIAS', '$ORIGIN', '$TTL', 'txt', '-', '--', '-h', '-h=',
             '-hh', '-h=x', '--help', '--he', '--ttl', '--ttl=', '--ttl=5', '--ttl=--', '--t=1', '--t',
             '--=1', '--x', '-x', '-5', '-1.5', '-.5', 'https://x.example/p', 'a+b://z', 'owner=1abc',
             'seqn=0', 'parts=1', 'zf0=abc', '%20', '~x', 'a/b', '*', '1_0', '5L', '0x1']
    chars = ' \t\r\x0b\x0c"\\;()-=$@.;"\xa0\xe9\x00\x1caxIN5'
    c = []
    if seed >= 300:
        # (seeds >= 300) real zone files with a few bytes changed, inserted or deleted
        real = [z if PY2 else z.decode('latin-1') for _, z in real_zonefiles()]
        for i in range(n):
            z = list(rnd.choice(real))
            for _ in range(rnd.randint(1, 4)):
                k = rnd.randint(0, len(z))
                op = rnd.random()
                if op < 0.4:
                    z.insert(k, rnd.choice(chars) if rnd.random() < 0.7 else ' ' + rnd.choice(words) + ' ')
                elif op < 0.7 and k < len(z):
                    z[k] = rnd.choice(chars)
                elif k < len(z):
                    del z[k]
            c.append(('wild %d/%d' % (seed, i), ''.join(z)))
        return c
    for i in range(n):
        lines = []
        for _ in range(rnd.randint(0, 5) if seed < 200 else 1):
            r = rnd.random()
            if seed >= 100 and (r < 0.8 or seed >= 200):
                # (seeds >= 100) a record line with one or two odd tokens
                # (seeds >= 200: one such line and nothing else)
                t = rnd.choice(['TXT', 'TXT', 'URI', 'URI', 'A', 'MX', 'SOA', 'SRV', 'CNAME', '$TTL', '$ORIGIN'])
                fields = {'TXT': ['"x"', 'y z', '"owner=1"'], 'URI': ['10', '1', '"https://x"'],
                          'A': ['1.2.3.4'], 'MX': ['10', 'mx'], 'SOA': ['ns', 'r', '1', '2', '3', '4', '5'],
                          'SRV': ['1', '2', '3', 't'], 'CNAME': ['c'], '$TTL': ['60'], '$ORIGIN': ['bar.id']}[t]
                toks = []
                if not t.startswith('$'):
                    toks = [rnd.choice(['a', '_http._tcp', '@', '_resolver', 'b.c'])] if rnd.random() < 0.8 else []
                    if rnd.random() < 0.3:
                        toks.append(rnd.choice(['60', '0', '-5', '+7', '007']))
                    if rnd.random() < 0.5:
                        toks.append('IN')
                toks += [t] + list(fields)
                for _ in range(rnd.choice([0, 1, 1, 2])):
                    k = rnd.randint(0, len(toks))
                    if rnd.random() < 0.5 and k < len(toks):
                        toks[k] = rnd.choice(words)
                    else:
                        toks.insert(k, rnd.choice(words))
                lines.append(' '.join(toks))
                continue
            if r < 0.15:
                lines.append(''.join(rnd.choice(chars) for _ in range(rnd.randint(0, 12))))
                continue
            toks = [rnd.choice(words) for _ in range(rnd.randint(0, 8))]
            for j in range(len(toks)):
                q = rnd.random()
                if q < 0.15:
                    toks[j] = '"' + toks[j] + rnd.choice(['', ' ', '  x', '\t']) + '"'
                elif q < 0.2:
                    toks[j] = toks[j] + rnd.choice(['(', ')', '\\', '\\;', ';', '"'])
                elif q < 0.25:
                    toks[j] = rnd.choice(['(', ')', '\\', '"']) + toks[j]
            lines.append(rnd.choice([' ', ' ', '\t', '  ']).join(toks))
        if rnd.random() < 0.5:
            lines.insert(0, '$TTL 3600')
            lines.insert(0, '$ORIGIN foo.id')
        end = rnd.choice(['\n', '\n', '\r\n', ''])
        c.append(('wild %d/%d' % (seed, i), end.join(lines) + end))
    return c


def extra(n, seed, path, texts=None):
    """Write n wild cases with the original's outcomes to path (for BZONES_EXTRA=path go test -run TestGolden).

    With texts (a JSON file holding a list of Latin-1 strings, e.g. a Go fuzz
    corpus converted), those are the cases instead.
    """
    assert PY2
    parse_zone_file = load_zones()
    schema = load_schema()
    out = {'python': sys.version.split()[0], 'cases': [], 'real': []}
    if texts:
        with open(texts) as f:
            cases = [('input %d' % i, t.encode('latin-1')) for i, t in enumerate(json.load(f))]
    else:
        cases = wild_cases(n, seed)
    for name, text in cases:
        data = to_bytes(text)
        o = outcome(parse_zone_file, schema, data)
        o['name'] = name
        o['text'] = latin1(data)
        out['cases'].append(o)
    with open(path, 'wb') as f:
        f.write(json.dumps(out, sort_keys=True).encode('ascii'))


def families():
    c = []
    for w in WEIRD:
        c.append(('weird txt string %r' % w, HEAD + 'a TXT ' + w + '\n'))
        c.append(('weird txt strings %r x' % w, HEAD + 'a TXT ' + w + ' x\n'))
        c.append(('weird txt name %r' % w, HEAD + w + ' TXT x\n'))
        c.append(('weird txt ttl %r' % w, HEAD + 'a ' + w + ' TXT x\n'))
        c.append(('weird uri priority %r' % w, HEAD + 'u URI ' + w + ' 1 "https://x"\n'))
        c.append(('weird uri target %r' % w, HEAD + 'u URI 1 1 ' + w + '\n'))
        c.append(('weird uri ttl %r' % w, HEAD + 'u ' + w + ' URI 1 1 https://x\n'))
        c.append(('weird uri name %r' % w, HEAD + w + ' URI 1 1 https://x\n'))
        c.append(('weird $TTL %r' % w, O + '$TTL ' + w + '\n' + PROFILE))
        c.append(('weird $ORIGIN %r' % w, '$ORIGIN ' + w + '\n' + T + PROFILE))
    return c


# ---------------------------------------------------------------- main

def generate():
    assert PY2, 'golden vectors come from Python 2.7, as the original ran on'
    parse_zone_file = load_zones()
    schema = load_schema()
    out = {'python': sys.version.split()[0], 'zones_commit': ZONES_COMMIT, 'cases': [], 'real': []}
    seen = set()
    hand = cases()
    for name, text in hand + families() + random_cases(1500):
        data = to_bytes(text)
        assert name not in seen, name
        seen.add(name)
        o = outcome(parse_zone_file, schema, data)
        o['name'] = latin1(name) if PY2 else name
        o['text'] = latin1(data)
        out['cases'].append(o)
    for h, z in real_zonefiles():
        o = outcome(parse_zone_file, schema, z)
        o['hash'] = h
        out['real'].append(o)
    with open(GOLDEN, 'wb') as f:
        f.write(json.dumps(out, sort_keys=True, indent=0, separators=(',', ':')).encode('ascii') + b'\n')
    errs = {}
    for o in out['cases'] + out['real']:
        k = o['error'] or ('user' if o['user'] else 'not user')
        errs[k] = errs.get(k, 0) + 1
    print('%d hand cases, %d family and random cases, %d real zone files; outcomes %r' % (
        len(hand), len(out['cases']) - len(hand), len(out['real']), errs))
    print('wrote %s (%d bytes)' % (GOLDEN, os.path.getsize(GOLDEN)))


def load_golden():
    """golden.json, read by Python 3.

    Since 3.11 int() refuses more than 4300 digits by default; the limit is
    lifted for our own work and put back only while the library parses (see
    run), so that --compare shows that difference too.
    """
    if hasattr(sys, 'set_int_max_str_digits'):
        sys.set_int_max_str_digits(0)
    with open(GOLDEN) as f:
        return json.load(f)


def compare():
    """Run the library under this (Python 3) interpreter; report differences from golden."""
    assert not PY2
    parse_zone_file = load_zones()
    schema = load_schema()
    golden = load_golden()
    n = diff = 0
    for o in golden['cases'] + golden['real']:
        data = o['text'].encode('latin-1') if 'text' in o else None
        if data is None:
            continue
        n += 1
        p = outcome(parse_zone_file, schema, data)
        if (p['error'], p['result'], p['user']) != (o['error'], o['result'], o['user']):
            diff += 1
            print('DIFF %s: py2 %s / py3 %s' % (o['name'], o['error'] or o['result'], p['error'] or p['result']))
    print('Python %s: %d of %d hand cases differ from Python 2.7' % (sys.version.split()[0], diff, n))


def check_schema():
    """Cross-check the hand-written validate() against the real jsonschema (Python 3)."""
    import jsonschema
    schema = load_schema()
    golden = load_golden()
    n = 0
    for o in golden['cases'] + golden['real']:
        if o['result'] is None:
            continue
        n += 1
        try:
            jsonschema.validate(o['result'], schema)
            ok = True
        except jsonschema.ValidationError:
            ok = False
        assert ok == o['user'], (o.get('name') or o.get('hash'), ok, o['user'])
        assert (validate(o['result'], schema) is None) == ok
    print('jsonschema agrees with the hand-written validator on %d results' % n)


if __name__ == '__main__':
    try:
        if '--extra-from' in sys.argv:
            i = sys.argv.index('--extra-from')
            extra(0, 0, sys.argv[i + 2], texts=sys.argv[i + 1])
        elif '--extra' in sys.argv:
            i = sys.argv.index('--extra')
            extra(int(sys.argv[i + 1]), int(sys.argv[i + 2]), sys.argv[i + 3])
        elif '--compare' in sys.argv:
            compare()
        elif '--check-schema' in sys.argv:
            check_schema()
        else:
            generate()
    except Exception:
        traceback.print_exc()
        sys.exit(1)
