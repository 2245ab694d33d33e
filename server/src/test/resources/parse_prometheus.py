# Parses Prometheus text exposition from stdin with the reference Python client's parser and prints one line per
# sample, "family<TAB>type<TAB>sample<TAB>labels<TAB>value", labels as sorted k=v joined by commas. Fails loudly on
# anything the parser rejects.
import sys

from prometheus_client.parser import text_string_to_metric_families

text = sys.stdin.read()
for family in text_string_to_metric_families(text):
    for sample in family.samples:
        labels = ",".join(k + "=" + v for k, v in sorted(sample.labels.items()))
        print("\t".join([family.name, family.type, sample.name, labels, repr(float(sample.value))]))
