package dev.genapi.bench;

import dev.genapi.cluster.ClusterOptions;

/** The cluster options of the benchmark's JVMs: event-bus TLS on when the launcher's TLS variables are set. */
final class BenchCluster {

  private BenchCluster() {
  }

  static ClusterOptions options(String name, String port) {
    return new ClusterOptions().setName(name).setPort(Integer.parseInt(port))
      .setTlsCert(System.getenv("GENAPI_CLUSTER_TLS_CERT")).setTlsKey(System.getenv("GENAPI_CLUSTER_TLS_KEY"))
      .setTlsCa(System.getenv("GENAPI_CLUSTER_TLS_CA"));
  }
}
