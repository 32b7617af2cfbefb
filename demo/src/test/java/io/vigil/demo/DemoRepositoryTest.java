package io.vigil.demo;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.vigil.inference.bundle.BundleReader;
import io.vigil.inference.bundle.TargetCustom;
import io.vigil.trust.key.KeyFiles;
import io.vigil.trust.key.SigningKey;
import io.vigil.trust.tuf.DirectorySource;
import io.vigil.trust.tuf.Role;
import io.vigil.trust.tuf.TargetFile;
import io.vigil.trust.tuf.Updater;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The demonstration repository in its two states, verified as a gateway's TUF client does. */
class DemoRepositoryTest {

  private static final String CERTIFIED = "wdbc-malignancy/wdbc-malignancy-1.0.0.vbundle";
  private static final String RETRAINED = "wdbc-malignancy/wdbc-malignancy-1.1.0.vbundle";

  private final Path repository = BuiltBundle.classpathFolder(BuiltBundle.REPOSITORY);
  private final Path update = BuiltBundle.classpathFolder(BuiltBundle.UPDATE_REPOSITORY);
  private final Path keys = BuiltBundle.classpathFolder(BuiltBundle.KEYS);

  @TempDir Path trust;

  @Test
  void theRepositoryAGatewayInstallsFirstOffersOnly100() throws Exception {
    Updater updater = client(repository, firstRoot());

    assertEquals(List.of(CERTIFIED), paths(updater));
    assertEquals(TargetCustom.Rollout.AUTOMATIC, custom(updater, CERTIFIED).rollout());
  }

  @Test
  void theFirstRootNamesNoCommandKey() throws Exception {
    Updater updater = client(repository, firstRoot());

    assertEquals(1, updater.root().version());
    assertTrue(updater.root().commands().isEmpty());
  }

  @Test
  void theUpdateVerifiesFromTheFirstRootAndOffers110Release2ForLocalApproval() throws Exception {
    // given a client that trusts the first repository's root and has seen its state,
    Path trusted = trust.resolve("gateway");
    Updater.initialize(trusted, firstRoot());
    Updater seen =
        Updater.open(trusted, DirectorySource.of(repository), Clock.systemUTC(), limits());
    seen.refresh();

    // when it refreshes from the update repository,
    Updater updater =
        Updater.open(trusted, DirectorySource.of(update), Clock.systemUTC(), limits());
    updater.refresh();

    // then root version 2 (the same keys and demonstration mark, now naming the command key),
    // newer targets, and 1.1.0 release 2 under the same PCCP, held locally.
    assertEquals(2, updater.root().version());
    assertTrue(updater.root().demo());
    assertEquals(seen.root().roles(), updater.root().roles());
    assertTrue(updater.targetsVersion() > seen.targetsVersion());
    assertEquals(List.of(CERTIFIED, RETRAINED), paths(updater));
    TargetCustom offered = custom(updater, RETRAINED);
    assertEquals("1.1.0", offered.version());
    assertEquals(2, offered.release());
    assertEquals(TargetCustom.Rollout.LOCAL_APPROVAL, offered.rollout());
    assertEquals(custom(updater, CERTIFIED).pccp().id(), offered.pccp().id());
    byte[] bundle = updater.download(updater.targetInfo(RETRAINED).orElseThrow());
    offered.check(BundleReader.read(bundle, RETRAINED).manifest(), RETRAINED);
    assertArrayEquals(BuiltBundle.bytes("1.1.0"), bundle);
  }

  @Test
  void theUpdateRotatesTheRootToNameTheShippedDemonstrationCommandKey() throws Exception {
    // given a gateway that followed the update's root rotation,
    Updater updater = client(update, firstRoot());

    // then its root names one command key, threshold 1, which is the shipped key's public half,
    Role commands = updater.root().commands().orElseThrow();
    assertEquals(1, commands.threshold());
    Path keyFile = keys.resolve("commands.key");
    SigningKey shipped = KeyFiles.readPrivate(keyFile);
    assertEquals(List.of(shipped.keyId()), commands.keyIds());
    assertEquals(Map.of(shipped.keyId(), shipped.publicKey()), updater.root().commandKeys());
    assertEquals(shipped.publicKey(), KeyFiles.readPublic(keys.resolve("commands.pub")));
    // and the key file says before its PEM block that it is a public demonstration key.
    String text = Files.readString(keyFile);
    assertTrue(text.startsWith("# DEMONSTRATION KEY, PUBLIC BY DESIGN"), text);
    assertTrue(text.contains("-----BEGIN PRIVATE KEY-----"), text);
  }

  @Test
  void theUpdateKeepsEveryFileOfTheFirstStateButTheNewestRootAndTheTimestamp() throws Exception {
    Map<String, byte[]> before = files(repository);
    Map<String, byte[]> after = files(update);

    for (Map.Entry<String, byte[]> f : before.entrySet()) {
      if (!f.getKey().equals("metadata/timestamp.json")
          && !f.getKey().equals("metadata/root.json")) {
        assertArrayEquals(f.getValue(), after.get(f.getKey()), f.getKey());
      }
    }
    assertArrayEquals(after.get("metadata/2.root.json"), after.get("metadata/root.json"));
    // 2.root.json, targets and snapshot version 3, and 1.1.0's bundle.
    assertEquals(before.size() + 4, after.size(), after.keySet().toString());
  }

  @Test
  void writesBothStatesAndTheCommandKeyByteForByteTheSameEveryTime(
      @TempDir Path first, @TempDir Path second) throws Exception {
    var certified = BuiltBundle.read("1.0.0");
    var retrained = BuiltBundle.read("1.1.0");

    DemoRepository.writeUpdate(first.resolve("update"), certified, retrained);
    DemoRepository.writeUpdate(second.resolve("update"), certified, retrained);
    DemoRepository.write(first.resolve("repository"), certified);
    DemoRepository.writeCommandKey(first.resolve("keys"));
    DemoRepository.writeCommandKey(second.resolve("keys"));

    assertEqualTrees(files(first.resolve("update")), files(second.resolve("update")));
    assertEqualTrees(files(update), files(first.resolve("update")));
    assertEqualTrees(files(repository), files(first.resolve("repository")));
    assertEqualTrees(files(first.resolve("keys")), files(second.resolve("keys")));
    assertEqualTrees(files(keys), files(first.resolve("keys")));
  }

  private static void assertEqualTrees(Map<String, byte[]> expected, Map<String, byte[]> actual) {
    assertEquals(expected.keySet(), actual.keySet());
    expected.forEach((name, bytes) -> assertArrayEquals(bytes, actual.get(name), name));
  }

  private byte[] firstRoot() throws IOException {
    return Files.readAllBytes(repository.resolve("metadata/1.root.json"));
  }

  private Updater client(Path dir, byte[] root) {
    Path trusted = trust.resolve("first-start");
    Updater.initialize(trusted, root);
    Updater updater = Updater.open(trusted, DirectorySource.of(dir), Clock.systemUTC(), limits());
    updater.refresh();
    return updater;
  }

  private static Updater.Limits limits() {
    return Updater.Limits.DEFAULT;
  }

  private static List<String> paths(Updater updater) {
    return updater.targets().stream().map(TargetFile::path).sorted().toList();
  }

  private static TargetCustom custom(Updater updater, String path) {
    TargetFile t = updater.targetInfo(path).orElseThrow();
    return TargetCustom.fromJson(t.custom().orElseThrow(), path);
  }

  private static Map<String, byte[]> files(Path dir) throws IOException {
    try (Stream<Path> walk = Files.walk(dir)) {
      return walk.filter(Files::isRegularFile)
          .collect(
              Collectors.toMap(
                  p -> dir.relativize(p).toString(),
                  p -> {
                    try {
                      return Files.readAllBytes(p);
                    } catch (IOException e) {
                      throw new java.io.UncheckedIOException(e);
                    }
                  },
                  (a, b) -> a,
                  TreeMap::new));
    }
  }
}
