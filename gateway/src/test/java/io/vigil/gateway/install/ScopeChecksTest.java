package io.vigil.gateway.install;

import static io.vigil.gateway.install.ManufacturerRepository.MODEL;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.vigil.audit.EventEntry;
import io.vigil.audit.LedgerReader;
import io.vigil.audit.StoredEntry;
import io.vigil.gateway.Gateway;
import io.vigil.gateway.TestGateways;
import io.vigil.gateway.ledger.Ledgers;
import io.vigil.inference.TestBundles;
import io.vigil.inference.bundle.Bundle;
import io.vigil.inference.bundle.BundleWriter;
import io.vigil.inference.bundle.Manifest;
import io.vigil.inference.bundle.Manifest.Feature;
import io.vigil.inference.bundle.Manifest.Metric;
import io.vigil.inference.bundle.Manifest.Pccp;
import io.vigil.inference.bundle.Manifest.Performance;
import io.vigil.inference.bundle.Manifest.TensorSpec;
import io.vigil.inference.bundle.ManifestCodec;
import io.vigil.inference.bundle.TargetCustom;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each rule of the PCCP's scope, through the whole install path of a running gateway that installed
 * release 1 of a model (its originally certified release) from a real TUF repository: a release
 * that breaks a rule is refused naming the rule and what changed, the refusal is a ledger event,
 * nothing is stored and release 1 goes on serving; a retrained release inside the rules installs.
 */
class ScopeChecksTest {

  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  @TempDir Path repoDir;

  private ManufacturerRepository manufacturer;
  private Gateway gateway;

  @BeforeEach
  void aGatewayServesTheCertifiedReleaseOne() {
    manufacturer = new ManufacturerRepository(repoDir);
    manufacturer.approve(ManufacturerRepository.release(1));
    gateway = Gateway.start(TestGateways.withoutDemo(TestGateways.config(dataDir)));
    InstallReport first = gateway.install(manufacturer.request(true));
    assertEquals(1, first.installed().size(), first.toMap().toString());
  }

  @AfterEach
  void stop() {
    gateway.close();
  }

  @Test
  void installsARetrainedReleaseWithTheSameSchemaAndBetterClaims() throws IOException {
    Bundle two = release(2, m -> with(m, pccp("retraining"), claims(0.93, 0.8)));
    approve(
        two,
        TargetCustom.of(two.manifest(), TargetCustom.Rollout.AUTOMATIC, List.of())
            .withArchitectures(List.of(ScopeCheck.architecture(System.getProperty("os.arch")))));

    InstallReport report = gateway.install(manufacturer.request(false));

    assertEquals(1, report.installed().size(), report.toMap().toString());
    assertEquals(2, gateway.models().candidate(MODEL).orElseThrow().manifest().release());
    assertEquals(2, TestGateways.shadowUntilDecided(gateway, MODEL), "promoted by its shadow run");
    Manifest certified =
        ManifestCodec.parse(Files.readAllBytes(new CertifiedReleases(store()).file(MODEL)));
    assertEquals(1, certified.release(), "the first release stays the certified one");
  }

  @Test
  void refusesABundleOfAnotherModelSignedAsThisOne() {
    Bundle other = TestBundles.bundle("other-model", "1.0.2", 2);
    approve(
        other,
        new TargetCustom(
            MODEL, "1.0.2", 2, other.manifest().pccp(), TargetCustom.Rollout.AUTOMATIC, List.of()));

    assertRefusedAndStillServingReleaseOne(
        other,
        "model-id",
        "signed as model test-model but its bundle's manifest is model other-model");
  }

  @Test
  void refusesAReleaseUnderAnotherPccp() {
    Bundle two = release(2, m -> with(m, new Pccp("PCCP-TEST-2", "retraining"), claims(0.9, 0.8)));
    approve(two);

    assertRefusedAndStillServingReleaseOne(
        two,
        "pccp",
        "falls under PCCP PCCP-TEST-2, but test-model was certified under PCCP PCCP-TEST-1");
  }

  @Test
  void refusesAChangedIntendedUse() {
    Bundle two =
        release(
            2,
            m ->
                new Manifest(
                    m.modelId(),
                    m.version(),
                    m.release(),
                    m.platform(),
                    "Screening of every adult patient.",
                    m.demo(),
                    m.pccp(),
                    m.inputs(),
                    m.outputs(),
                    m.decision(),
                    m.performance(),
                    m.safety(),
                    new TreeMap<>()));
    approve(two);

    assertRefusedAndStillServingReleaseOne(
        two, "intended-use", "to \"Screening of every adult patient.\"");
  }

  @Test
  void refusesAChangedUnitUnlessThePccpModificationAuthorisesASchemaChange() {
    Bundle retrained = release(2, m -> withUnit(with(m, pccp("retraining"), claims(0.9, 0.8))));
    approve(retrained);

    assertRefusedAndStillServingReleaseOne(
        retrained,
        "schema",
        "the unit of feature f1 of input x changed from mmol/L to mg/dL (release 1 to 2); PCCP"
            + " modification 'retraining' does not authorise a schema change");

    manufacturer.repo.remove(TargetCustom.targetPath(retrained.manifest()));
    Bundle authorised =
        release(2, m -> withUnit(with(m, pccp(ScopeCheck.SCHEMA_CHANGE), claims(0.9, 0.8))));
    approve(authorised);
    InstallReport report = gateway.install(manufacturer.request(false));
    assertEquals(1, report.installed().size(), report.toMap().toString());
  }

  @Test
  void refusesClaimsBelowTheFloorsOfTheOriginallyCertifiedReleaseNotOnlyThePreviousOne()
      throws IOException {
    // A gateway that installed releases 1 and 2 before it kept a certified record; release 2
    // lowered its floor, so only release 1's floor catches release 3.
    gateway.close();
    Files.delete(new CertifiedReleases(store()).file(MODEL));
    TestGateways.preinstall(
        dataDir, release(2, m -> with(m, pccp("retraining"), claims(0.75, 0.7))));
    gateway = Gateway.start(TestGateways.withoutDemo(TestGateways.config(dataDir)));
    Bundle three = release(3, m -> with(m, pccp("retraining"), claims(0.76, 0.7)));
    approve(three);

    InstallReport report = gateway.install(manufacturer.request(false));

    assertRefusal(
        report,
        "performance",
        "auc (all) is claimed at 0.76, below the floor 0.8 of the originally certified release 1");
    assertEquals(
        1,
        ManifestCodec.parse(Files.readAllBytes(new CertifiedReleases(store()).file(MODEL)))
            .release(),
        "the lowest installed release is recorded as the certified one");
  }

  @Test
  void theCertifiedFloorsOutliveTheFirstReleaseLeavingTheStore() throws IOException {
    Bundle two = release(2, m -> with(m, pccp("retraining"), claims(0.95, 0.85)));
    approve(two);
    assertEquals(1, gateway.install(manufacturer.request(false)).installed().size());
    assertEquals(2, TestGateways.shadowUntilDecided(gateway, MODEL));
    gateway.close();
    removeFromStore(ManufacturerRepository.release(1));
    gateway = Gateway.start(TestGateways.withoutDemo(TestGateways.config(dataDir)));
    Bundle three = release(3, m -> with(m, pccp("retraining"), claims(0.9, 0.79)));
    approve(three);

    InstallReport report = gateway.install(manufacturer.request(false));

    assertRefusal(
        report,
        "performance",
        "auc (all)'s floor is lowered from 0.8 in the originally certified release 1 (1.0.1) to"
            + " 0.79");
    assertEquals(2, gateway.models().active(MODEL).manifest().release());
  }

  @Test
  void refusesATargetForAnotherArchitecture() {
    String here = ScopeCheck.architecture(System.getProperty("os.arch"));
    String elsewhere = here.equals("arm64") ? "amd64" : "arm64";
    Bundle two = release(2, m -> with(m, pccp("retraining"), claims(0.9, 0.8)));
    approve(
        two,
        TargetCustom.of(two.manifest(), TargetCustom.Rollout.AUTOMATIC, List.of())
            .withArchitectures(List.of(elsewhere)));

    assertRefusedAndStillServingReleaseOne(
        two,
        "hardware",
        "certified for the architectures [" + elsewhere + "], not this gateway's " + here);
  }

  @Test
  void refusesAReleaseNotAboveEveryInstalledOneEvenWhenAnEarlierOneIsActive() {
    Bundle two = release(2, m -> with(m, pccp("retraining"), claims(0.9, 0.8)));
    approve(two);
    assertEquals(1, gateway.install(manufacturer.request(false)).installed().size());
    assertEquals(2, TestGateways.shadowUntilDecided(gateway, MODEL));
    gateway.rollback(MODEL, Optional.empty(), Optional.empty(), "operator:test", "test");
    assertEquals(1, gateway.models().active(MODEL).manifest().release());
    manufacturer.repo.remove(TargetCustom.targetPath(two.manifest()));
    Bundle otherTwo = release(2, m -> with(m, pccp("retraining"), claims(0.91, 0.8)));
    approve(otherTwo);

    InstallReport report = gateway.install(manufacturer.request(false));

    assertRefusal(
        report, "release-counter", "is offered with other bytes than the installed release 2");
    assertEquals(1, gateway.models().active(MODEL).manifest().release());
  }

  private void approve(Bundle bundle) {
    approve(bundle, TargetCustom.of(bundle.manifest(), TargetCustom.Rollout.AUTOMATIC, List.of()));
  }

  private void approve(Bundle bundle, TargetCustom custom) {
    manufacturer.repo.add(
        custom.modelId() + "/" + custom.modelId() + "-" + custom.version() + ".vbundle",
        bundle.bytes(),
        custom.toJson());
  }

  /** Release {@code n} of the test model, its manifest changed by {@code change}. */
  private static Bundle release(long n, UnaryOperator<Manifest> change) {
    return BundleWriter.write(
        change.apply(TestBundles.manifest(MODEL, "1.0." + n, n)), TestBundles.files());
  }

  private static Pccp pccp(String modification) {
    return new Pccp("PCCP-TEST-1", modification);
  }

  private static Performance claims(double auc, double floor) {
    return new Performance(
        "synthetic", List.of(new Metric("auc", "all", auc, auc - 0.05, auc + 0.04, floor)));
  }

  private static Manifest with(Manifest m, Pccp pccp, Performance performance) {
    return new Manifest(
        m.modelId(),
        m.version(),
        m.release(),
        m.platform(),
        m.intendedUse(),
        m.demo(),
        pccp,
        m.inputs(),
        m.outputs(),
        m.decision(),
        performance,
        m.safety(),
        new TreeMap<>());
  }

  /** {@code m} with feature {@code f1} in mg/dL instead of mmol/L. */
  private static Manifest withUnit(Manifest m) {
    TensorSpec x = m.inputs().get(0);
    List<Feature> features = new ArrayList<>(x.features());
    Feature f1 = features.get(1);
    features.set(1, new Feature(f1.name(), "mg/dL", f1.min(), f1.max(), f1.required()));
    return new Manifest(
        m.modelId(),
        m.version(),
        m.release(),
        m.platform(),
        m.intendedUse(),
        m.demo(),
        m.pccp(),
        List.of(new TensorSpec(x.name(), x.datatype(), x.shape(), features)),
        m.outputs(),
        m.decision(),
        m.performance(),
        m.safety(),
        new TreeMap<>());
  }

  private Path store() {
    return dataDir.resolve("models");
  }

  /** What pruning the store will do: the release's folder is gone. */
  private void removeFromStore(Bundle bundle) throws IOException {
    Path dir = store().resolve(bundle.sha256());
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
    Files.delete(dir.resolve("bundle.vbundle"));
    Files.delete(dir);
  }

  private void assertRefusedAndStillServingReleaseOne(Bundle offered, String rule, String words) {
    InstallReport report = gateway.install(manufacturer.request(false));

    assertRefusal(report, rule, words);
    assertTrue(Files.notExists(store().resolve(offered.sha256())), "nothing is stored");
    assertEquals(1, gateway.models().active(MODEL).manifest().release());
  }

  /** The report's one refusal and the ledger's last {@code update.refused} event name the rule. */
  private void assertRefusal(InstallReport report, String rule, String words) {
    assertEquals(1, report.refused().size(), "expected a refusal, got " + report.toMap());
    assertTrue(report.installed().isEmpty(), report.toMap().toString());
    InstallReport.Refusal refusal = report.refused().get(0);
    assertEquals(rule, refusal.check(), refusal.reason());
    assertTrue(
        refusal.reason().contains(words), "expected '" + words + "' in: " + refusal.reason());
    JsonNode event = lastRefusal();
    assertEquals(rule, event.path("check").asText(), event.toString());
    assertEquals(refusal.reason(), event.path("reason").asText(), event.toString());
  }

  private JsonNode lastRefusal() {
    try (LedgerReader reader = LedgerReader.open(Ledgers.database(dataDir))) {
      List<StoredEntry> entries = reader.entries(0, reader.size());
      for (int i = entries.size() - 1; i >= 0; i--) {
        if (entries.get(i).entry() instanceof EventEntry e && e.type().equals("update.refused")) {
          return JSON.readTree(e.details());
        }
      }
      throw new AssertionError("no update.refused event");
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
