# -*- coding: utf-8 -*-
# Copyright: local_llm.ollama contributors
# GNU General Public License v3.0+ (see https://www.gnu.org/licenses/gpl-3.0.txt)
# SPDX-License-Identifier: GPL-3.0-or-later
"""Known-good answers to every bundled ollama_eval task: the hidden tests must pass with these (and fail with a
stub), so a task whose tests are wrong is caught here rather than blamed on a model."""

from __future__ import absolute_import, division, print_function

__metaclass__ = type

PYTHON = {
    "py-clamp": """
def clamp(value, low, high):
    if low > high:
        raise ValueError("low > high")
    return max(low, min(value, high))
""",
    "py-is-palindrome": """
def is_palindrome(text):
    kept = [c.lower() for c in text if c.isalnum()]
    return kept == kept[::-1]
""",
    "py-count-vowels": """
def count_vowels(text):
    return sum(1 for c in text.lower() if c in "aeiou")
""",
    "py-fizzbuzz": """
def fizzbuzz(n):
    out = []
    for i in range(1, n + 1):
        out.append("FizzBuzz" if i % 15 == 0 else "Fizz" if i % 3 == 0 else "Buzz" if i % 5 == 0 else str(i))
    return out
""",
    "py-reverse-words": """
def reverse_words(sentence):
    return " ".join(reversed(sentence.split()))
""",
    "py-second-largest": """
def second_largest(numbers):
    values = sorted(set(numbers), reverse=True)
    return values[1] if len(values) > 1 else None
""",
    "py-flatten": """
def flatten(nested):
    out, stack = [], [iter(nested)]
    while stack:
        for item in stack[-1]:
            if isinstance(item, list):
                stack.append(iter(item))
                break
            out.append(item)
        else:
            stack.pop()
    return out
""",
    "py-chunk": """
def chunk(items, size):
    if size < 1:
        raise ValueError("size must be at least 1")
    return [items[i:i + size] for i in range(0, len(items), size)]
""",
    "py-digit-sum": """
def digit_sum(n):
    return sum(int(d) for d in str(abs(n)))
""",
    "py-rle-encode": """
import itertools

def rle_encode(text):
    return "".join("%s%d" % (key, len(list(group))) for key, group in itertools.groupby(text))
""",
    "py-rle-decode": """
import re

def rle_decode(encoded):
    if not re.fullmatch(r"(?:\\D\\d+)*", encoded):
        raise ValueError("malformed: %r" % encoded)
    return "".join(char * int(count) for char, count in re.findall(r"(\\D)(\\d+)", encoded))
""",
    "py-anagram-groups": """
def group_anagrams(words):
    groups = {}
    for word in words:
        groups.setdefault("".join(sorted(word)), []).append(word)
    return sorted(sorted(group) for group in groups.values())
""",
    "py-balanced-brackets": """
def is_balanced(text):
    pairs = {")": "(", "]": "[", "}": "{"}
    stack = []
    for char in text:
        if char in "([{":
            stack.append(char)
        elif char in pairs:
            if not stack or stack.pop() != pairs[char]:
                return False
    return not stack
""",
    "py-roman-to-int": """
def roman_to_int(numeral):
    values = {"I": 1, "V": 5, "X": 10, "L": 50, "C": 100, "D": 500, "M": 1000}
    total = 0
    for i, char in enumerate(numeral):
        value = values[char]
        if i + 1 < len(numeral) and values[numeral[i + 1]] > value:
            total -= value
        else:
            total += value
    return total
""",
    "py-int-to-roman": """
def int_to_roman(number):
    if not 1 <= number <= 3999:
        raise ValueError("out of range")
    table = [(1000, "M"), (900, "CM"), (500, "D"), (400, "CD"), (100, "C"), (90, "XC"), (50, "L"), (40, "XL"),
             (10, "X"), (9, "IX"), (5, "V"), (4, "IV"), (1, "I")]
    out = ""
    for value, text in table:
        while number >= value:
            out += text
            number -= value
    return out
""",
    "py-merge-intervals": """
def merge_intervals(intervals):
    merged = []
    for start, end in sorted(intervals):
        if merged and start <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], end))
        else:
            merged.append((start, end))
    return merged
""",
    "py-top-words": """
import collections
import re

def top_words(text, n):
    counts = collections.Counter(re.findall(r"[a-z']+", text.lower()))
    return sorted(counts.items(), key=lambda item: (-item[1], item[0]))[:n]
""",
    "py-binary-search": """
import bisect

def binary_search(items, target):
    index = bisect.bisect_left(items, target)
    return index if index < len(items) and items[index] == target else -1
""",
    "py-transpose": """
def transpose(matrix):
    return [list(row) for row in zip(*matrix)]
""",
    "py-parse-duration": """
import re

def parse_duration(text):
    match = re.fullmatch(r"(?:(\\d+)h)?(?:(\\d+)m)?(?:(\\d+)s)?", text)
    if not text or not match:
        raise ValueError("bad duration %r" % text)
    hours, minutes, seconds = (int(part or 0) for part in match.groups())
    return hours * 3600 + minutes * 60 + seconds
""",
    "py-caesar": """
def caesar(text, shift):
    out = []
    for char in text:
        if "a" <= char <= "z":
            out.append(chr((ord(char) - 97 + shift) % 26 + 97))
        elif "A" <= char <= "Z":
            out.append(chr((ord(char) - 65 + shift) % 26 + 65))
        else:
            out.append(char)
    return "".join(out)
""",
    "py-camel-to-snake": """
import re

def camel_to_snake(name):
    name = re.sub(r"([A-Z]+)([A-Z][a-z])", r"\\1_\\2", name)
    name = re.sub(r"([a-z0-9])([A-Z])", r"\\1_\\2", name)
    return name.lower()
""",
    "py-moving-average": """
def moving_average(values, window):
    if window < 1 or window > len(values):
        raise ValueError("bad window")
    total = sum(values[:window])
    out = [total / window]
    for i in range(window, len(values)):
        total += values[i] - values[i - window]
        out.append(total / window)
    return out
""",
    "py-unique": """
def unique(items):
    seen = set()
    out = []
    for item in items:
        if item not in seen:
            seen.add(item)
            out.append(item)
    return out
""",
    "py-lru-cache": """
from collections import OrderedDict

class LRUCache:
    def __init__(self, capacity):
        self.capacity = capacity
        self.data = OrderedDict()

    def get(self, key):
        if key not in self.data:
            return -1
        self.data.move_to_end(key)
        return self.data[key]

    def put(self, key, value):
        self.data[key] = value
        self.data.move_to_end(key)
        if len(self.data) > self.capacity:
            self.data.popitem(last=False)
""",
    "py-shortest-path": """
import heapq

def shortest_path(graph, start, goal):
    queue = [(0, 0, start)]
    best = {start: 0}
    previous = {}
    counter = 0
    while queue:
        cost, _, node = heapq.heappop(queue)
        if node == goal:
            path = [node]
            while path[-1] != start:
                path.append(previous[path[-1]])
            return cost, path[::-1]
        if cost > best.get(node, float("inf")):
            continue
        for neighbour, weight in graph.get(node, {}).items():
            new = cost + weight
            if new < best.get(neighbour, float("inf")):
                best[neighbour] = new
                previous[neighbour] = node
                counter += 1
                heapq.heappush(queue, (new, counter, neighbour))
    return None
""",
    "py-topo-sort": """
def topo_sort(dependencies):
    nodes = list(dependencies)
    for reqs in dependencies.values():
        for req in reqs:
            if req not in dependencies and req not in nodes:
                nodes.append(req)
    state, order = {}, []
    for root in nodes:
        if root in state:
            continue
        stack = [(root, iter(dependencies.get(root, [])))]
        state[root] = "open"
        while stack:
            node, children = stack[-1]
            for child in children:
                if state.get(child) == "open":
                    raise ValueError("cycle at %r" % (child,))
                if child not in state:
                    state[child] = "open"
                    stack.append((child, iter(dependencies.get(child, []))))
                    break
            else:
                stack.pop()
                state[node] = "done"
                order.append(node)
    return order
""",
    "py-levenshtein": """
def levenshtein(a, b):
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]
""",
    "py-lcs-length": """
def lcs_length(a, b):
    previous = [0] * (len(b) + 1)
    for x in a:
        current = [0]
        for j, y in enumerate(b, 1):
            current.append(previous[j - 1] + 1 if x == y else max(previous[j], current[j - 1]))
        previous = current
    return previous[-1]
""",
    "py-evaluate": """
import re

def evaluate(expression):
    tokens = re.findall(r"\\d+\\.\\d+|\\d+|[-+*/()]|\\S", expression)
    position = [0]

    def peek():
        return tokens[position[0]] if position[0] < len(tokens) else None

    def take():
        token = peek()
        if token is None:
            raise ValueError("unexpected end")
        position[0] += 1
        return token

    def expr():
        value = term()
        while peek() in ("+", "-"):
            value = value + term() if take() == "+" else value - term()
        return value

    def term():
        value = factor()
        while peek() in ("*", "/"):
            value = value * factor() if take() == "*" else value / factor()
        return value

    def factor():
        token = take()
        if token == "-":
            return -factor()
        if token == "(":
            value = expr()
            if take() != ")":
                raise ValueError("missing )")
            return value
        if re.fullmatch(r"\\d+\\.\\d+|\\d+", token):
            return float(token) if "." in token else int(token)
        raise ValueError("unexpected %r" % token)

    value = expr()
    if peek() is not None:
        raise ValueError("trailing %r" % peek())
    return value
""",
    "py-get-path": """
import re

def get_path(data, path, default=None):
    current = data
    for key, index in re.findall(r"([^.\\[\\]]+)|\\[(\\d+)\\]", path):
        try:
            if key:
                if not isinstance(current, dict):
                    return default
                current = current[key]
            else:
                if not isinstance(current, list):
                    return default
                current = current[int(index)]
        except (KeyError, IndexError):
            return default
    return current
""",
    "py-valid-sudoku": """
def is_valid_sudoku(board):
    seen = set()
    for r in range(9):
        for c in range(9):
            digit = board[r][c]
            if not digit:
                continue
            keys = (("row", r, digit), ("col", c, digit), ("box", r // 3, c // 3, digit))
            if any(key in seen for key in keys):
                return False
            seen.update(keys)
    return True
""",
    "py-knapsack": """
def knapsack(items, capacity):
    best = [0] * (capacity + 1)
    for weight, value in items:
        for room in range(capacity, weight - 1, -1):
            best[room] = max(best[room], best[room - weight] + value)
    return best[capacity]
""",
    "py-spiral": """
def spiral(matrix):
    out = []
    rows = [list(row) for row in matrix]
    while rows:
        out.extend(rows.pop(0))
        rows = [list(row) for row in zip(*rows)][::-1]
    return out
""",
}

GO = {
    "go-reverse": """
func Reverse(s string) string {
    r := []rune(s)
    for i, j := 0, len(r)-1; i < j; i, j = i+1, j-1 {
        r[i], r[j] = r[j], r[i]
    }
    return string(r)
}
""",
    "go-is-prime": """
func IsPrime(n int) bool {
    if n < 2 {
        return false
    }
    for d := 2; d*d <= n; d++ {
        if n%d == 0 {
            return false
        }
    }
    return true
}
""",
    "go-word-count": """
import "strings"

func WordCount(s string) map[string]int {
    counts := map[string]int{}
    for _, word := range strings.Fields(s) {
        counts[strings.ToLower(word)]++
    }
    return counts
}
""",
    "go-max-subarray": """
func MaxSubarray(nums []int) int {
    if len(nums) == 0 {
        return 0
    }
    best, current := nums[0], nums[0]
    for _, n := range nums[1:] {
        if current < 0 {
            current = n
        } else {
            current += n
        }
        if current > best {
            best = current
        }
    }
    return best
}
""",
    "go-safe-counter": """
import "sync"

type Counter struct {
    mu     sync.Mutex
    counts map[string]int
}

func NewCounter() *Counter { return &Counter{counts: map[string]int{}} }

func (c *Counter) Inc(key string) {
    c.mu.Lock()
    defer c.mu.Unlock()
    c.counts[key]++
}

func (c *Counter) Value(key string) int {
    c.mu.Lock()
    defer c.mu.Unlock()
    return c.counts[key]
}
""",
}
