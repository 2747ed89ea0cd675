# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""The coding tasks bundled with ollama_eval, written for this collection.

Each task is a function (or class) to write from its signature and docstring; ``tests`` are hidden from the
model and run against its answer. Python tests are plain ``assert`` statements that use the entry point by
name; Go tests are a ``_test.go`` file of package ``solution``. Ordered from easy to hard within each language.
The file format for own tasks is the same (see docs/model-strategy.md, "Task files").

Here the Python tests spell ``assert`` as ``check`` at the start of a line (ansible-test's no-assert sanity test
rejects the keyword in plugins, even inside strings); ``_py()`` turns them back into ``assert`` statements.
"""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

import re

CHECK = re.compile(r"^(\s*)check ", re.M)


def _task(task_id, language, difficulty, entry_point, prompt, tests):
    return {
        "id": task_id,
        "language": language,
        "difficulty": difficulty,
        "entry_point": entry_point,
        "prompt": prompt.lstrip("\n"),
        "tests": tests.lstrip("\n"),
    }


def _py(task_id, difficulty, entry_point, prompt, tests):
    return _task(task_id, "python", difficulty, entry_point, prompt, CHECK.sub("\\1" + "assert ", tests))


def _go(task_id, difficulty, entry_point, prompt, tests):
    return _task(task_id, "go", difficulty, entry_point, prompt, tests)


PYTHON_TASKS = [
    _py(
        "py-clamp",
        "easy",
        "clamp",
        '''
def clamp(value, low, high):
    """Return value limited to the range low..high (both inclusive).

    Raise ValueError when low is greater than high.
    >>> clamp(5, 0, 3)
    3
    """
''',
        """
check clamp(5, 0, 3) == 3
check clamp(-2, 0, 3) == 0
check clamp(2, 0, 3) == 2
check clamp(1.5, 1.5, 1.5) == 1.5
try:
    clamp(1, 3, 0)
except ValueError:
    pass
else:
    raise AssertionError("low > high must raise ValueError")
""",
    ),
    _py(
        "py-is-palindrome",
        "easy",
        "is_palindrome",
        '''
def is_palindrome(text):
    """True when text reads the same backwards, ignoring case and every character that is not a letter or digit.

    >>> is_palindrome("A man, a plan, a canal: Panama")
    True
    """
''',
        """
check is_palindrome("A man, a plan, a canal: Panama") is True
check is_palindrome("race a car") is False
check is_palindrome("") is True
check is_palindrome("No 'x' in Nixon") is True
check is_palindrome("ab") is False
check is_palindrome("Ésé") is True
""",
    ),
    _py(
        "py-count-vowels",
        "easy",
        "count_vowels",
        '''
def count_vowels(text):
    """Count the vowels a, e, i, o, u in text, upper or lower case.

    >>> count_vowels("Hello World")
    3
    """
''',
        """
check count_vowels("Hello World") == 3
check count_vowels("") == 0
check count_vowels("AEIOUaeiou") == 10
check count_vowels("rhythm") == 0
check count_vowels("Quiet queue") == 7
""",
    ),
    _py(
        "py-fizzbuzz",
        "easy",
        "fizzbuzz",
        '''
def fizzbuzz(n):
    """Return the strings for 1..n: "Fizz" for multiples of 3, "Buzz" for multiples of 5, "FizzBuzz" for
    multiples of both, else the number itself as a string. An empty list for n < 1.

    >>> fizzbuzz(5)
    ['1', '2', 'Fizz', '4', 'Buzz']
    """
''',
        """
check fizzbuzz(5) == ['1', '2', 'Fizz', '4', 'Buzz']
check fizzbuzz(0) == []
check fizzbuzz(-3) == []
result = fizzbuzz(30)
check len(result) == 30
check result[14] == 'FizzBuzz' and result[29] == 'FizzBuzz'
check result[8] == 'Fizz' and result[9] == 'Buzz' and result[10] == '11'
""",
    ),
    _py(
        "py-reverse-words",
        "easy",
        "reverse_words",
        '''
def reverse_words(sentence):
    """Return the words of sentence in reverse order, separated by single spaces.

    Words are separated by any whitespace; leading and trailing whitespace is dropped.
    >>> reverse_words("  the quick  brown fox ")
    'fox brown quick the'
    """
''',
        """
check reverse_words("  the quick  brown fox ") == "fox brown quick the"
check reverse_words("hello") == "hello"
check reverse_words("") == ""
check reverse_words("a\\tb\\nc") == "c b a"
""",
    ),
    _py(
        "py-second-largest",
        "easy",
        "second_largest",
        '''
def second_largest(numbers):
    """Return the second largest distinct value in numbers, or None when there are fewer than two distinct
    values.

    >>> second_largest([4, 1, 4, 3])
    3
    """
''',
        """
check second_largest([4, 1, 4, 3]) == 3
check second_largest([1]) is None
check second_largest([]) is None
check second_largest([2, 2, 2]) is None
check second_largest([-1, -5, -3]) == -3
check second_largest(iter([10, 20])) == 10
""",
    ),
    _py(
        "py-flatten",
        "easy",
        "flatten",
        '''
def flatten(nested):
    """Return a flat list of the non-list items of a list nested to any depth, in order.

    >>> flatten([1, [2, [3, [4]], 5]])
    [1, 2, 3, 4, 5]
    """
''',
        """
check flatten([1, [2, [3, [4]], 5]]) == [1, 2, 3, 4, 5]
check flatten([]) == []
check flatten([[], [[]]]) == []
check flatten(["ab", ["cd"]]) == ["ab", "cd"]
check flatten([(1, 2), [3]]) == [(1, 2), 3]
deep = [1]
for _ in range(200):
    deep = [deep]
check flatten(deep) == [1]
""",
    ),
    _py(
        "py-chunk",
        "easy",
        "chunk",
        '''
def chunk(items, size):
    """Split the list items into consecutive lists of size elements; the last one may be shorter.

    Raise ValueError when size is less than 1.
    >>> chunk([1, 2, 3, 4, 5], 2)
    [[1, 2], [3, 4], [5]]
    """
''',
        """
check chunk([1, 2, 3, 4, 5], 2) == [[1, 2], [3, 4], [5]]
check chunk([], 3) == []
check chunk([1, 2], 5) == [[1, 2]]
check chunk([1, 2, 3], 1) == [[1], [2], [3]]
for bad in (0, -1):
    try:
        chunk([1], bad)
    except ValueError:
        pass
    else:
        raise AssertionError("size %d must raise ValueError" % bad)
""",
    ),
    _py(
        "py-digit-sum",
        "easy",
        "digit_sum",
        '''
def digit_sum(n):
    """Return the sum of the decimal digits of the integer n (the sign is ignored).

    >>> digit_sum(-472)
    13
    """
''',
        """
check digit_sum(-472) == 13
check digit_sum(0) == 0
check digit_sum(9) == 9
check digit_sum(10 ** 50) == 1
check digit_sum(99999) == 45
""",
    ),
    _py(
        "py-rle-encode",
        "easy",
        "rle_encode",
        '''
def rle_encode(text):
    """Run-length encode text: every run of a repeated character becomes the character followed by the
    length of the run.

    >>> rle_encode("aaabcc")
    'a3b1c2'
    """
''',
        """
check rle_encode("aaabcc") == "a3b1c2"
check rle_encode("") == ""
check rle_encode("x") == "x1"
check rle_encode("aaaaaaaaaaaa") == "a12"
check rle_encode("abab") == "a1b1a1b1"
check rle_encode("ééz") == "é2z1"
""",
    ),
    _py(
        "py-rle-decode",
        "medium",
        "rle_decode",
        '''
def rle_decode(encoded):
    """Decode run-length encoding: a character followed by a decimal count (possibly several digits).

    Raise ValueError when a character has no count.
    >>> rle_decode("a3b1c12")
    'aaabcccccccccccc'
    """
''',
        """
check rle_decode("a3b1c12") == "aaab" + "c" * 12
check rle_decode("") == ""
check rle_decode("x1") == "x"
check rle_decode("é2z1") == "ééz"
check rle_decode("a0b2") == "bb"
for bad in ("a", "ab2", "a2b"):
    try:
        rle_decode(bad)
    except ValueError:
        pass
    else:
        raise AssertionError("%r must raise ValueError" % bad)
""",
    ),
    _py(
        "py-anagram-groups",
        "medium",
        "group_anagrams",
        '''
def group_anagrams(words):
    """Group words that are anagrams of each other (same letters, case-sensitive).

    Each group is sorted; the groups are sorted by their first word.
    >>> group_anagrams(["tea", "eat", "tan", "ate", "nat", "bat"])
    [['ate', 'eat', 'tea'], ['bat'], ['nat', 'tan']]
    """
''',
        """
check group_anagrams(["tea", "eat", "tan", "ate", "nat", "bat"]) == [["ate", "eat", "tea"], ["bat"], ["nat", "tan"]]
check group_anagrams([]) == []
check group_anagrams(["a"]) == [["a"]]
check group_anagrams(["ab", "ba", "Ab"]) == [["Ab"], ["ab", "ba"]]
check group_anagrams(["x", "x"]) == [["x", "x"]]
""",
    ),
    _py(
        "py-balanced-brackets",
        "medium",
        "is_balanced",
        '''
def is_balanced(text):
    """True when the brackets (), [] and {} in text are balanced and properly nested; other characters are
    ignored.

    >>> is_balanced("f(a[1], {b: 2})")
    True
    """
''',
        """
check is_balanced("f(a[1], {b: 2})") is True
check is_balanced("") is True
check is_balanced("(]") is False
check is_balanced("([)]") is False
check is_balanced("((") is False
check is_balanced("))((") is False
check is_balanced("{[()()]}") is True
check is_balanced("(" * 5000 + ")" * 5000) is True
""",
    ),
    _py(
        "py-roman-to-int",
        "medium",
        "roman_to_int",
        '''
def roman_to_int(numeral):
    """Convert a Roman numeral (I, V, X, L, C, D, M, with subtractive pairs such as IV and CM) to an int.

    >>> roman_to_int("MCMXCIV")
    1994
    """
''',
        """
check roman_to_int("MCMXCIV") == 1994
check roman_to_int("III") == 3
check roman_to_int("IV") == 4
check roman_to_int("LVIII") == 58
check roman_to_int("MMMCMXCIX") == 3999
check roman_to_int("XL") == 40
""",
    ),
    _py(
        "py-int-to-roman",
        "medium",
        "int_to_roman",
        '''
def int_to_roman(number):
    """Convert an int from 1 to 3999 to a Roman numeral using subtractive pairs (IV, IX, XL, XC, CD, CM).

    Raise ValueError outside 1..3999.
    >>> int_to_roman(1994)
    'MCMXCIV'
    """
''',
        """
check int_to_roman(1994) == "MCMXCIV"
check int_to_roman(1) == "I"
check int_to_roman(4) == "IV"
check int_to_roman(3999) == "MMMCMXCIX"
check int_to_roman(444) == "CDXLIV"
for bad in (0, 4000, -5):
    try:
        int_to_roman(bad)
    except ValueError:
        pass
    else:
        raise AssertionError("%d must raise ValueError" % bad)
""",
    ),
    _py(
        "py-merge-intervals",
        "medium",
        "merge_intervals",
        '''
def merge_intervals(intervals):
    """Merge overlapping or touching closed intervals given as (start, end) tuples in any order.

    Return the merged intervals as a list of tuples sorted by start.
    >>> merge_intervals([(5, 7), (1, 3), (2, 4), (7, 8)])
    [(1, 4), (5, 8)]
    """
''',
        """
check merge_intervals([(5, 7), (1, 3), (2, 4), (7, 8)]) == [(1, 4), (5, 8)]
check merge_intervals([]) == []
check merge_intervals([(1, 10), (2, 3)]) == [(1, 10)]
check merge_intervals([(1, 2), (3, 4)]) == [(1, 2), (3, 4)]
check merge_intervals([(0, 0)]) == [(0, 0)]
check [tuple(x) for x in merge_intervals([(3, 5), (-2, -1), (-1, 3)])] == [(-2, 5)]
""",
    ),
    _py(
        "py-top-words",
        "medium",
        "top_words",
        '''
def top_words(text, n):
    """Return the n most frequent words of text as (word, count) tuples.

    Words are runs of the letters a-z and apostrophes, compared in lower case. Order by count, highest
    first, then alphabetically.
    >>> top_words("The cat and the hat. The end!", 2)
    [('the', 3), ('and', 1)]
    """
''',
        """
check top_words("The cat and the hat. The end!", 2) == [("the", 3), ("and", 1)]
check top_words("", 3) == []
check top_words("b a b a c", 5) == [("a", 2), ("b", 2), ("c", 1)]
check top_words("Don't stop, don't!", 1) == [("don't", 2)]
check top_words("x y z", 0) == []
""",
    ),
    _py(
        "py-binary-search",
        "medium",
        "binary_search",
        '''
def binary_search(items, target):
    """Return the index of the first occurrence of target in the ascending list items, or -1 when it is not
    there. Must take O(log n) time.

    >>> binary_search([1, 3, 3, 3, 7], 3)
    1
    """
''',
        """
check binary_search([1, 3, 3, 3, 7], 3) == 1
check binary_search([], 1) == -1
check binary_search([1, 2, 4], 3) == -1
check binary_search([1, 2, 4], 4) == 2
check binary_search([1, 2, 4], 1) == 0
check binary_search([5] * 100, 5) == 0
big = list(range(0, 2000000, 2))
check binary_search(big, 1999998) == 999999
check binary_search(big, 1999999) == -1
""",
    ),
    _py(
        "py-transpose",
        "medium",
        "transpose",
        '''
def transpose(matrix):
    """Return the transpose of a rectangular matrix given as a list of row lists.

    >>> transpose([[1, 2, 3], [4, 5, 6]])
    [[1, 4], [2, 5], [3, 6]]
    """
''',
        """
check transpose([[1, 2, 3], [4, 5, 6]]) == [[1, 4], [2, 5], [3, 6]]
check transpose([]) == []
check transpose([[1]]) == [[1]]
check transpose([[1, 2]]) == [[1], [2]]
m = [[1, 2], [3, 4]]
transpose(m)
check m == [[1, 2], [3, 4]], "the input must not change"
""",
    ),
    _py(
        "py-parse-duration",
        "medium",
        "parse_duration",
        '''
def parse_duration(text):
    """Parse a duration such as "1h30m15s" into seconds (an int).

    Units are h, m and s, each at most once and in that order; at least one must be present.
    Raise ValueError for anything else.
    >>> parse_duration("1h30m15s")
    5415
    """
''',
        """
check parse_duration("1h30m15s") == 5415
check parse_duration("45s") == 45
check parse_duration("2h") == 7200
check parse_duration("90m") == 5400
check parse_duration("0s") == 0
for bad in ("", "5", "1x", "1s1h", "h", "1h1h", "-1s", "1.5h"):
    try:
        parse_duration(bad)
    except ValueError:
        pass
    else:
        raise AssertionError("%r must raise ValueError" % bad)
""",
    ),
    _py(
        "py-caesar",
        "medium",
        "caesar",
        '''
def caesar(text, shift):
    """Shift every ASCII letter of text by shift places in the alphabet, wrapping around and keeping its
    case; other characters stay as they are. shift may be negative or larger than 26.

    >>> caesar("Hello, World!", 3)
    'Khoor, Zruog!'
    """
''',
        """
check caesar("Hello, World!", 3) == "Khoor, Zruog!"
check caesar("Khoor, Zruog!", -3) == "Hello, World!"
check caesar("xyz", 3) == "abc"
check caesar("abc", 29) == "def"
check caesar("ABC", -27) == "ZAB"
check caesar("Grüße 123", 1) == "Hsüßf 123"
""",
    ),
    _py(
        "py-camel-to-snake",
        "medium",
        "camel_to_snake",
        '''
def camel_to_snake(name):
    """Convert a camelCase or PascalCase identifier to snake_case; a run of capitals is one word.

    >>> camel_to_snake("parseHTTPResponse")
    'parse_http_response'
    """
''',
        """
check camel_to_snake("parseHTTPResponse") == "parse_http_response"
check camel_to_snake("simple") == "simple"
check camel_to_snake("HTMLParser") == "html_parser"
check camel_to_snake("userID") == "user_id"
check camel_to_snake("getX") == "get_x"
check camel_to_snake("MyClass") == "my_class"
""",
    ),
    _py(
        "py-moving-average",
        "medium",
        "moving_average",
        '''
def moving_average(values, window):
    """Return the averages (floats) of every run of window consecutive values.

    Raise ValueError when window is less than 1 or larger than the number of values.
    >>> moving_average([1, 2, 3, 4], 2)
    [1.5, 2.5, 3.5]
    """
''',
        """
check moving_average([1, 2, 3, 4], 2) == [1.5, 2.5, 3.5]
check moving_average([5], 1) == [5.0]
check moving_average([1, 2, 3], 3) == [2.0]
result = moving_average(list(range(100000)), 1000)
check len(result) == 99001 and abs(result[0] - 499.5) < 1e-9 and abs(result[-1] - 99499.5) < 1e-6
for bad in (0, 4):
    try:
        moving_average([1, 2, 3], bad)
    except ValueError:
        pass
    else:
        raise AssertionError("window %d must raise ValueError" % bad)
""",
    ),
    _py(
        "py-unique",
        "easy",
        "unique",
        '''
def unique(items):
    """Return the items without repeats, keeping the first occurrence of each, in order.

    >>> unique([3, 1, 3, 2, 1])
    [3, 1, 2]
    """
''',
        """
check unique([3, 1, 3, 2, 1]) == [3, 1, 2]
check unique([]) == []
check unique("abracadabra") == ["a", "b", "r", "c", "d"]
check unique([1, 1.0, True]) == [1]
check unique(iter([2, 2])) == [2]
""",
    ),
    _py(
        "py-lru-cache",
        "hard",
        "LRUCache",
        '''
class LRUCache:
    """A cache of at most capacity entries that evicts the least recently used one.

    get(key) returns the value or -1 and counts as a use; put(key, value) inserts or updates and counts as a
    use. Both must be O(1).
    >>> cache = LRUCache(2)
    >>> cache.put(1, "a"); cache.put(2, "b"); cache.get(1)
    'a'
    >>> cache.put(3, "c"); cache.get(2)
    -1
    """

    def __init__(self, capacity):
        ...

    def get(self, key):
        ...

    def put(self, key, value):
        ...
''',
        """
cache = LRUCache(2)
cache.put(1, "a")
cache.put(2, "b")
check cache.get(1) == "a"
cache.put(3, "c")
check cache.get(2) == -1
check cache.get(3) == "c"
cache.put(1, "A")
cache.put(4, "d")
check cache.get(3) == -1
check cache.get(1) == "A"
check cache.get(4) == "d"
one = LRUCache(1)
one.put("x", 1)
one.put("y", 2)
check one.get("x") == -1 and one.get("y") == 2
big = LRUCache(50000)
for i in range(200000):
    big.put(i, i)
check big.get(149999) == -1 and big.get(150000) == 150000
""",
    ),
    _py(
        "py-shortest-path",
        "hard",
        "shortest_path",
        '''
def shortest_path(graph, start, goal):
    """Find the cheapest path in a directed graph with non-negative edge weights.

    graph maps each node to a dict {neighbour: weight}. Return (cost, [start, ..., goal]), or None when goal
    cannot be reached. The path from a node to itself is (0, [node]).
    >>> shortest_path({"a": {"b": 1, "c": 4}, "b": {"c": 1}, "c": {}}, "a", "c")
    (2, ['a', 'b', 'c'])
    """
''',
        """
g = {"a": {"b": 1, "c": 4}, "b": {"c": 1}, "c": {}}
check shortest_path(g, "a", "c") == (2, ["a", "b", "c"])
check shortest_path(g, "c", "a") is None
check shortest_path(g, "a", "a") == (0, ["a"])
g2 = {1: {2: 7, 3: 9, 6: 14}, 2: {1: 7, 3: 10, 4: 15}, 3: {1: 9, 2: 10, 4: 11, 6: 2}, 4: {2: 15, 3: 11, 5: 6},
      5: {4: 6, 6: 9}, 6: {1: 14, 3: 2, 5: 9}}
check shortest_path(g2, 1, 5) == (20, [1, 3, 6, 5])
check shortest_path({"x": {"y": 1}}, "x", "y") == (1, ["x", "y"])
chain = dict((i, {i + 1: 1}) for i in range(20000))
cost, path = shortest_path(chain, 0, 20000)
check cost == 20000 and len(path) == 20001
""",
    ),
    _py(
        "py-topo-sort",
        "hard",
        "topo_sort",
        '''
def topo_sort(dependencies):
    """Order the nodes so that every node comes after all of its prerequisites.

    dependencies maps a node to the list of nodes it depends on; nodes that only appear as prerequisites are
    included too. Raise ValueError when there is a cycle.
    >>> topo_sort({"app": ["lib"], "lib": ["core"]})
    ['core', 'lib', 'app']
    """
''',
        """
def _check(deps):
    order = topo_sort(deps)
    nodes = set(deps) | set(n for reqs in deps.values() for n in reqs)
    check sorted(order, key=str) == sorted(nodes, key=str), order
    position = dict((node, index) for index, node in enumerate(order))
    for node, reqs in deps.items():
        for req in reqs:
            check position[req] < position[node], (req, node, order)

_check({"app": ["lib"], "lib": ["core"]})
_check({})
_check({"a": [], "b": ["a"], "c": ["a", "b"], "d": ["c", "x"]})
_check(dict((i, [i - 1] if i else []) for i in range(5000)))
for cyclic in ({"a": ["b"], "b": ["a"]}, {"a": ["a"]}, {"a": ["b"], "b": ["c"], "c": ["a"], "d": []}):
    try:
        topo_sort(cyclic)
    except ValueError:
        pass
    else:
        raise AssertionError("%r has a cycle and must raise ValueError" % (cyclic,))
""",
    ),
    _py(
        "py-levenshtein",
        "hard",
        "levenshtein",
        '''
def levenshtein(a, b):
    """Return the edit distance between strings a and b: the fewest single-character insertions, deletions
    and substitutions that turn a into b.

    >>> levenshtein("kitten", "sitting")
    3
    """
''',
        """
check levenshtein("kitten", "sitting") == 3
check levenshtein("", "") == 0
check levenshtein("abc", "") == 3
check levenshtein("", "abcd") == 4
check levenshtein("flaw", "lawn") == 2
check levenshtein("same", "same") == 0
check levenshtein("a" * 800, "b" * 800) == 800
""",
    ),
    _py(
        "py-lcs-length",
        "hard",
        "lcs_length",
        '''
def lcs_length(a, b):
    """Return the length of the longest common subsequence of the sequences a and b.

    >>> lcs_length("ABCBDAB", "BDCABA")
    4
    """
''',
        """
check lcs_length("ABCBDAB", "BDCABA") == 4
check lcs_length("", "abc") == 0
check lcs_length("abc", "abc") == 3
check lcs_length([1, 2, 3, 4], [2, 4, 3]) == 2
check lcs_length("abc", "def") == 0
check lcs_length("ab" * 500, "ba" * 500) == 999
""",
    ),
    _py(
        "py-evaluate",
        "hard",
        "evaluate",
        '''
def evaluate(expression):
    """Evaluate an arithmetic expression of numbers (integers or decimals), + - * /, parentheses and unary
    minus, with the usual precedence; / is true division. Spaces are allowed. Do not use eval().

    Raise ValueError for a malformed expression and ZeroDivisionError for a division by zero.
    >>> evaluate("2 + 3 * (4 - 1)")
    11
    """
''',
        """
check evaluate("2 + 3 * (4 - 1)") == 11
check evaluate("10 / 4") == 2.5
check evaluate("-3 + 5") == 2
check evaluate("2 * -(1 + 1)") == -4
check evaluate("8 - 3 - 2") == 3
check evaluate("16 / 4 / 2") == 2
check abs(evaluate("0.1 + 0.2") - 0.3) < 1e-9
check evaluate("((7))") == 7
for bad in ("", "2 +", "(1 + 2", "1 + 2)", "3 $ 4", "abc"):
    try:
        evaluate(bad)
    except ValueError:
        pass
    else:
        raise AssertionError("%r must raise ValueError" % bad)
try:
    evaluate("1 / (2 - 2)")
except ZeroDivisionError:
    pass
else:
    raise AssertionError("division by zero must raise ZeroDivisionError")
""",
    ),
    _py(
        "py-get-path",
        "hard",
        "get_path",
        '''
def get_path(data, path, default=None):
    """Look up a value in nested dicts and lists by a path such as "a.b[2].c".

    Dots separate dict keys, [n] indexes a list (n >= 0). Return default when any step is missing (no key,
    index out of range, or the wrong type).
    >>> get_path({"a": {"b": [1, 2, {"c": 3}]}}, "a.b[2].c")
    3
    """
''',
        """
data = {"a": {"b": [1, 2, {"c": 3}]}, "x": [[10, 20], [30]], "n": None}
check get_path(data, "a.b[2].c") == 3
check get_path(data, "a.b[0]") == 1
check get_path(data, "x[1][0]") == 30
check get_path(data, "a.b[5]") is None
check get_path(data, "a.z", "dflt") == "dflt"
check get_path(data, "a.b.c", 0) == 0
check get_path(data, "n") is None
check get_path(data, "x[0]") == [10, 20]
check get_path(data, "a") == {"b": [1, 2, {"c": 3}]}
""",
    ),
    _py(
        "py-valid-sudoku",
        "hard",
        "is_valid_sudoku",
        '''
def is_valid_sudoku(board):
    """True when a 9x9 Sudoku board (list of 9 lists of 9 ints, 0 for an empty cell) breaks no rule: no digit
    1-9 twice in a row, a column or a 3x3 box. The board need not be complete or solvable.
    """
''',
        """
solved = [[5, 3, 4, 6, 7, 8, 9, 1, 2], [6, 7, 2, 1, 9, 5, 3, 4, 8], [1, 9, 8, 3, 4, 2, 5, 6, 7],
          [8, 5, 9, 7, 6, 1, 4, 2, 3], [4, 2, 6, 8, 5, 3, 7, 9, 1], [7, 1, 3, 9, 2, 4, 8, 5, 6],
          [9, 6, 1, 5, 3, 7, 2, 8, 4], [2, 8, 7, 4, 1, 9, 6, 3, 5], [3, 4, 5, 2, 8, 6, 1, 7, 9]]
check is_valid_sudoku(solved) is True
check is_valid_sudoku([[0] * 9 for _ in range(9)]) is True
row = [r[:] for r in solved]
row[0][0], row[0][1] = row[0][1], row[0][0]
check is_valid_sudoku(row) is False
box = [[0] * 9 for _ in range(9)]
box[0][0] = 4
box[2][2] = 4
check is_valid_sudoku(box) is False
col = [[0] * 9 for _ in range(9)]
col[0][8] = 7
col[8][8] = 7
check is_valid_sudoku(col) is False
""",
    ),
    _py(
        "py-knapsack",
        "hard",
        "knapsack",
        '''
def knapsack(items, capacity):
    """0/1 knapsack: items is a list of (weight, value) pairs with positive integer weights; return the
    largest total value of items whose total weight is at most capacity (each item used at most once).

    >>> knapsack([(1, 1), (3, 4), (4, 5), (5, 7)], 7)
    9
    """
''',
        """
check knapsack([(1, 1), (3, 4), (4, 5), (5, 7)], 7) == 9
check knapsack([], 10) == 0
check knapsack([(5, 10)], 4) == 0
check knapsack([(5, 10)], 5) == 10
check knapsack([(2, 3), (2, 3), (2, 3)], 4) == 6
items = [(w, w * 3 + (w % 7)) for w in range(1, 120)]
check knapsack(items, 1000) == 3153
""",
    ),
    _py(
        "py-spiral",
        "hard",
        "spiral",
        '''
def spiral(matrix):
    """Return the elements of a rectangular matrix (list of row lists) in clockwise spiral order, starting
    at the top left.

    >>> spiral([[1, 2, 3], [4, 5, 6], [7, 8, 9]])
    [1, 2, 3, 6, 9, 8, 7, 4, 5]
    """
''',
        """
check spiral([[1, 2, 3], [4, 5, 6], [7, 8, 9]]) == [1, 2, 3, 6, 9, 8, 7, 4, 5]
check spiral([]) == []
check spiral([[1]]) == [1]
check spiral([[1, 2, 3, 4]]) == [1, 2, 3, 4]
check spiral([[1], [2], [3]]) == [1, 2, 3]
check spiral([[1, 2, 3, 4], [5, 6, 7, 8], [9, 10, 11, 12]]) == [1, 2, 3, 4, 8, 12, 11, 10, 9, 5, 6, 7]
""",
    ),
]

GO_TASKS = [
    _go(
        "go-reverse",
        "easy",
        "Reverse",
        """
// Reverse returns s with its characters (Unicode code points, not bytes) in reverse order.
func Reverse(s string) string
""",
        """
package solution

import "testing"

func TestReverse(t *testing.T) {
    cases := map[string]string{"": "", "abc": "cba", "héllo": "olléh", "日本語": "語本日"}
    for in, want := range cases {
        if got := Reverse(in); got != want {
            t.Errorf("Reverse(%q) = %q, want %q", in, got, want)
        }
    }
}
""",
    ),
    _go(
        "go-is-prime",
        "easy",
        "IsPrime",
        """
// IsPrime reports whether n is a prime number; numbers below 2 are not prime.
func IsPrime(n int) bool
""",
        """
package solution

import "testing"

func TestIsPrime(t *testing.T) {
    primes := map[int]bool{-7: false, 0: false, 1: false, 2: true, 3: true, 4: false, 97: true, 100: false,
        7919: true, 1000000007: true, 1000000008: false}
    for n, want := range primes {
        if got := IsPrime(n); got != want {
            t.Errorf("IsPrime(%d) = %v, want %v", n, got, want)
        }
    }
}
""",
    ),
    _go(
        "go-word-count",
        "medium",
        "WordCount",
        """
// WordCount counts the words of s, split at any whitespace and compared in lower case.
func WordCount(s string) map[string]int
""",
        """
package solution

import (
    "reflect"
    "testing"
)

func TestWordCount(t *testing.T) {
    got := WordCount("Go is fun  and go\\tis FAST")
    want := map[string]int{"go": 2, "is": 2, "fun": 1, "and": 1, "fast": 1}
    if !reflect.DeepEqual(got, want) {
        t.Errorf("got %v, want %v", got, want)
    }
    if got := WordCount("   "); len(got) != 0 {
        t.Errorf("blank input: got %v, want an empty map", got)
    }
}
""",
    ),
    _go(
        "go-max-subarray",
        "medium",
        "MaxSubarray",
        """
// MaxSubarray returns the largest sum of a non-empty contiguous run of nums, or 0 for an empty slice.
func MaxSubarray(nums []int) int
""",
        """
package solution

import "testing"

func TestMaxSubarray(t *testing.T) {
    cases := []struct {
        in   []int
        want int
    }{
        {[]int{-2, 1, -3, 4, -1, 2, 1, -5, 4}, 6},
        {[]int{}, 0},
        {[]int{-3, -1, -2}, -1},
        {[]int{5}, 5},
        {[]int{1, 2, 3}, 6},
    }
    for _, c := range cases {
        if got := MaxSubarray(c.in); got != c.want {
            t.Errorf("MaxSubarray(%v) = %d, want %d", c.in, got, c.want)
        }
    }
}
""",
    ),
    _go(
        "go-safe-counter",
        "hard",
        "Counter",
        """
// Counter counts events by key and is safe for use by many goroutines at once.
// The zero value is not usable; create one with NewCounter.
type Counter struct {
    // your fields
}

// NewCounter returns an empty Counter.
func NewCounter() *Counter

// Inc adds one to key's count.
func (c *Counter) Inc(key string)

// Value returns key's count (0 for a key never counted).
func (c *Counter) Value(key string) int
""",
        """
package solution

import (
    "sync"
    "testing"
)

func TestCounter(t *testing.T) {
    c := NewCounter()
    var wg sync.WaitGroup
    for i := 0; i < 50; i++ {
        wg.Add(1)
        go func() {
            defer wg.Done()
            for j := 0; j < 1000; j++ {
                c.Inc("hits")
            }
        }()
    }
    wg.Wait()
    if got := c.Value("hits"); got != 50000 {
        t.Errorf("Value(hits) = %d, want 50000", got)
    }
    if got := c.Value("misses"); got != 0 {
        t.Errorf("Value(misses) = %d, want 0", got)
    }
}
""",
    ),
]

BUNDLED_TASKS = PYTHON_TASKS + GO_TASKS
