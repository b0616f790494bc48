#!/usr/bin/env python3
# Generates the benchmark corpus of the README table: gen-bench-corpus.py BYTES jsonl|text OUT
import json, random, sys
random.seed(7)
words = open('/usr/share/dict/words').read().split() if __import__('os').path.exists('/usr/share/dict/words') else None
if not words:
    words = [''.join(random.choice('abcdefghijklmnopqrstuvwxyz') for _ in range(random.randint(2,10))) for _ in range(20000)]
boiler = ["SOURCE: News agencies", "Advertisement", "Share this article", "Click here to subscribe to our newsletter",
          "All rights reserved", "Read more:", "Follow us on Twitter", "Accept cookies", "Photo: Reuters"]
docs = []
for i in range(3000):
    lines = []
    for p in range(random.randint(3, 12)):
        lines.append(' '.join(random.choice(words) for _ in range(random.randint(20, 120))) + '.')
        if random.random() < 0.3:
            lines.append(random.choice(boiler))
        lines.append('')
    docs.append('\n'.join(lines) + '\n')
target = int(sys.argv[1])
kind = sys.argv[2]
out = open(sys.argv[3], 'w', buffering=1 << 20)
size = 0; n = 0
while size < target:
    d = docs[random.randrange(len(docs))]
    if kind == 'jsonl':
        s = json.dumps({"id": n, "url": "https://example.com/%d" % n, "text": d, "meta": {"lang": "en", "score": 0.5}}, ensure_ascii=False) + '\n'
    else:
        s = d + '<<<DOC>>>\n'
    out.write(s); size += len(s); n += 1
print(n, size)
