/** How to recognise one kind of sensitive interface. Data, so techniques can list and share them. */
export interface InterfaceSignature {
  /** What a report calls it: `Kubernetes dashboard`. */
  readonly name: string;
  /** Substrings of a container image, lower case: `kubernetesui/dashboard`. */
  readonly images: readonly string[];
  /** Pod label sets; pods carrying every pair of one set match. */
  readonly labels: readonly Readonly<Record<string, string>>[];
  /** TCP ports it serves on. */
  readonly ports: readonly number[];
  /**
   * True: the TCP ports its containers declare replace `ports` when there are any. False: `ports` is
   * the interface whatever else is declared (tiller's gRPC API is 44134; 44135 only serves probes).
   */
  readonly declaredPorts: boolean;
}
