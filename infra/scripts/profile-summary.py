#!/usr/bin/env python3
"""Summarises an async-profiler CPU profile in collapsed format recorded with 'threads'
(docs/benchmarks.md, "Where the pipeline's CPU goes"):

    python3 infra/scripts/profile-summary.py pipeline.collapsed

Prints the share of all samples per thread (Flink names task threads after their operator chain,
so this is per operator chain), inclusive shares of a few frame families (a stack can count in
several), the call from the deepest io.auspex frame into Flink state, serializers or the
network, and the top leaf (self) frames."""
import collections
import re
import sys

FAMILIES = {
    'RocksDB (JNI and native)': r'org/rocksdb/|rocksdb::|Java_org_rocksdb|librocksdbjni',
    'Flink RocksDB state wrappers': r'org/apache/flink/state/rocksdb/',
    'Avro (de)serialization': r'org/apache/avro/',
    'Kryo': r'com/esotericsoftware/kryo',
    'OTLP decode (protobuf + mapper)': r'io/auspex/jobs/decode/otlp/|com/google/protobuf/',
    'Flink network (record serialization, buffers)': r'org/apache/flink/runtime/io/network/|RecordWriter|DataOutputSerializer',
    'Kafka clients': r'org/apache/kafka/clients/',
    'Kafka broker': r'kafka/server/|org/apache/kafka/storage/|kafka/log/|org/apache/kafka/raft',
    'DDSketch': r'com/datadoghq/sketch',
}
NEXT = re.compile(r'org/apache/flink/(state|runtime/state|api/common/state|streaming/api/operators|runtime/io|'
                  r'api/java/typeutils|formats/avro)|org/apache/avro|com/datadoghq')


def thread_group(frame):
    t = re.sub(r'\s*tid=\d+\]?$', '', frame.strip('[]'))
    t = re.sub(r'\s*\(\d+/\d+\)#\d+.*$', '', t)
    return re.sub(r'\d+', 'N', t) if len(t) < 40 else t


def main(path, top=25):
    total = 0
    threads, families, calls, leaves = (collections.Counter() for _ in range(4))
    rx = {k: re.compile(v) for k, v in FAMILIES.items()}
    with open(path) as f:
        for line in f:
            stack, _, n = line.rstrip('\n').rpartition(' ')
            if not stack:
                continue
            n = int(n)
            frames = stack.split(';')
            total += n
            threads[thread_group(frames[0])] += n
            leaves[frames[-1]] += n
            for name, r in rx.items():
                if r.search(stack):
                    families[name] += n
            own = [i for i, fr in enumerate(frames) if fr.startswith('io/auspex/')]
            if own:
                i = own[-1]
                into = next((fr for fr in frames[i + 1:] if NEXT.match(fr)), '')
                calls[(frames[i], into)] += n

    def show(title, counter, width=150):
        print(f'\n== {title} ==')
        for k, n in counter.most_common(top):
            print(f'{100 * n / total:6.1f} %  {str(k)[:width]}')

    print(f'samples: {total}')
    show('by thread (operator chain)', threads)
    show('inclusive by family', families)
    show('deepest io.auspex frame -> the Flink/Avro/DDSketch call it makes', collections.Counter(
        {f'{a}  ->  {b}': n for (a, b), n in calls.items()}), 200)
    show('top self frames', leaves)


if __name__ == '__main__':
    main(sys.argv[1])
