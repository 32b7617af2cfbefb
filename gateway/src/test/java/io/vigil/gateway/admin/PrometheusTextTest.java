package io.vigil.gateway.admin;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The tests' parser refuses what Prometheus would, so that a scrape it accepts is valid. */
class PrometheusTextTest {

  private static final String HISTOGRAM =
      """
      # HELP t_seconds Time.
      # TYPE t_seconds histogram
      t_seconds_bucket{model="m",le="0.5"} 1
      t_seconds_bucket{model="m",le="1.0"} 3
      t_seconds_bucket{model="m",le="+Inf"} 4
      t_seconds_count{model="m"} 4
      t_seconds_sum{model="m"} 2.5E0
      # HELP c_total Count, with \\\\ and \\n.
      # TYPE c_total counter
      c_total{a="x \\"y\\"\\n",b=""} 3.0
      g NaN
      """;

  @Test
  void readsAValidExposition() {
    PrometheusText text = PrometheusText.parse(HISTOGRAM);

    assertEquals("histogram", text.family("t_seconds").type());
    assertEquals(4, text.value("t_seconds_count", "model", "m"));
    assertEquals(3, text.value("c_total", "a", "x \"y\"\n"));
    assertEquals("untyped", text.family("g").type());
    assertTrue(Double.isNaN(text.value("g")));
  }

  @Test
  void refusesBucketsThatAreNotCumulative() {
    refuses(HISTOGRAM.replace("le=\"1.0\"} 3", "le=\"1.0\"} 0"), "not cumulative");
  }

  @Test
  void refusesAHistogramWithoutAnInfBucket() {
    refuses(
        HISTOGRAM.replace("t_seconds_bucket{model=\"m\",le=\"+Inf\"} 4\n", ""), "not le=\"+Inf\"");
  }

  @Test
  void refusesAHistogramWithoutCountOrSum() {
    refuses(HISTOGRAM.replace("t_seconds_count{model=\"m\"} 4\n", ""), "_count");
    refuses(HISTOGRAM.replace("t_seconds_sum{model=\"m\"} 2.5E0\n", ""), "no _sum");
  }

  @Test
  void refusesValuesThatAreNotGoFloats() {
    refuses(HISTOGRAM.replace("3.0", "3d"), "float");
    refuses(HISTOGRAM.replace("3.0", "0x1p3"), "float");
    refuses(HISTOGRAM.replace("g NaN", "g Infinity"), "float");
  }

  @Test
  void refusesBadNamesLabelsAndEscapes() {
    refuses(HISTOGRAM.replace("g NaN", "vigil.ready 1"), "bad metric name");
    refuses(HISTOGRAM.replace("b=\"\"", "1b=\"\""), "bad label name");
    refuses(HISTOGRAM.replace("b=\"\"", "b=x"), "quoted");
    refuses(HISTOGRAM.replace("b=\"\"", "b=\"\\t\""), "bad escape");
    refuses(HISTOGRAM.replace("Count, with", "Count \\t"), "bad escape");
    refuses(HISTOGRAM.replace("b=\"\"", "a=\"\""), "twice");
  }

  @Test
  void refusesATypeAfterItsSamplesAndASplitFamily() {
    refuses(HISTOGRAM + "# TYPE g gauge\n", "after its samples");
    refuses(HISTOGRAM + "c_total{a=\"z\"} 1\n", "not in one group");
    refuses(HISTOGRAM + "g NaN\n", "second sample");
  }

  @Test
  void refusesATextWithoutAFinalLineFeed() {
    refuses(HISTOGRAM.strip(), "line feed");
  }

  private static void refuses(String text, String why) {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> PrometheusText.parse(text));
    assertTrue(e.getMessage().contains(why), e.getMessage());
  }
}
