package io.vigil.packaging;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import java.util.zip.ZipFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The .deb and tarball of each architecture, as built. */
class PackageIT {

  /** ELF e_machine of each architecture's natives. */
  private static final Map<String, Integer> MACHINE = Map.of("amd64", 62, "arm64", 183);

  /** The all-platform jar alone is over 100 MB: a package near it carries every platform. */
  private static final long MAX_PACKAGE_BYTES = 40L << 20;

  @TempDir Path tmp;

  @Test
  void eachPackageCarriesOnlyItsOwnArchitecturesNativesAndAJarWithNone() throws Exception {
    for (String arch : Built.ARCHES) {
      Path root = Built.unpack(arch, Files.createDirectories(tmp.resolve(arch)));
      List<Path> natives = natives(root);
      assertEquals(4, natives.size(), arch + ": " + natives);
      for (Path so : natives) {
        assertEquals(MACHINE.get(arch), elfMachine(so), arch + ": " + so.getFileName());
      }
      try (ZipFile jar = new ZipFile(root.resolve("usr/share/vigil/vigil.jar").toFile())) {
        List<String> inJar =
            jar.stream()
                .map(e -> e.getName())
                .filter(n -> n.matches(".*\\.(so|dll|dylib|jnilib)$"))
                .toList();
        assertEquals(List.of(), inJar, arch + ": the package's jar carries natives");
      }
      long size = Files.size(Built.deb(arch));
      System.out.printf(
          "%s: %s %.1f MB, %s %.1f MB, natives %s%n",
          arch,
          Built.deb(arch).getFileName(),
          size / 1e6,
          Built.tarball(arch).getFileName(),
          Files.size(Built.tarball(arch)) / 1e6,
          natives.stream().map(p -> p.getFileName().toString()).toList());
      assertTrue(size < MAX_PACKAGE_BYTES, arch + " package is " + size + " bytes");
    }
  }

  @Test
  void theTarballHoldsTheSameFilesAsThePackageUnderOneFolder() throws Exception {
    for (String arch : Built.ARCHES) {
      Path root = Built.unpack(arch, Files.createDirectories(tmp.resolve("deb-" + arch)));
      Built.Result list = Built.run(List.of("tar", "-tzf", Built.tarball(arch).toString()), 60);
      assertEquals(0, list.exit(), list.output());
      List<String> inTarball =
          list.output()
              .lines()
              .filter(l -> !l.endsWith("/"))
              .map(l -> l.substring(l.indexOf('/') + 1))
              .sorted()
              .toList();
      List<String> inDeb = new ArrayList<>();
      try (Stream<Path> files = Files.walk(root)) {
        files
            .filter(Files::isRegularFile)
            .map(p -> root.relativize(p).toString())
            .filter(p -> !p.startsWith("usr/share/lintian/"))
            .forEach(inDeb::add);
      }
      inDeb.add("install.sh");
      inDeb.add("README.md");
      assertEquals(inDeb.stream().sorted().toList(), inTarball, arch);
    }
  }

  @Test
  void theSbomNamesEveryInstalledNativeWithTheDigestOfTheFileShipped() throws Exception {
    for (String arch : Built.ARCHES) {
      Path root = Built.unpack(arch, Files.createDirectories(tmp.resolve("sbom-" + arch)));
      JsonNode bom =
          new ObjectMapper().readTree(root.resolve("usr/share/doc/vigil/sbom.cdx.json").toFile());
      assertEquals("1.6", bom.path("specVersion").asText());
      Map<String, String> digestByPath = new TreeMap<>();
      int components = collect(bom.path("components"), digestByPath);
      for (Path so : natives(root)) {
        String installed = "/usr/lib/vigil/" + so.getFileName();
        assertEquals(sha256(so), digestByPath.get(installed), arch + ": " + installed);
      }
      assertEquals(natives(root).size(), digestByPath.size(), arch + ": " + digestByPath.keySet());
      System.out.printf("%s: SBOM with %d components%n", arch, components);
      assertTrue(components >= 60, arch + ": only " + components + " components");
    }
  }

  @Test
  void lintianFindsNothingInEitherPackage() throws Exception {
    Built.requireCommand("lintian");
    List<String> command =
        new ArrayList<>(
            List.of("lintian", "--pedantic", "--fail-on", "error,warning,info,pedantic"));
    for (String arch : Built.ARCHES) {
      command.add(Built.deb(arch).toString());
    }
    Built.Result r = Built.run(command, 300);
    String findings =
        String.join(
            "\n",
            r.output().lines().filter(l -> !l.startsWith("running with root privileges")).toList());
    System.out.println("lintian --pedantic: " + (findings.isEmpty() ? "no finding" : findings));
    assertEquals("", findings);
    assertEquals(0, r.exit());
  }

  private static int collect(JsonNode components, Map<String, String> digestByPath) {
    int n = 0;
    for (JsonNode c : components) {
      n++;
      for (JsonNode p : c.path("properties")) {
        if (p.path("name").asText().equals("vigil:installed-path")) {
          String sha = "";
          for (JsonNode h : c.path("hashes")) {
            if (h.path("alg").asText().equals("SHA-256")) {
              sha = h.path("content").asText();
            }
          }
          assertFalse(sha.isEmpty(), c.toString());
          digestByPath.put(p.path("value").asText(), sha);
        }
      }
      n += collect(c.path("components"), digestByPath);
    }
    return n;
  }

  private static List<Path> natives(Path root) throws IOException {
    try (Stream<Path> files = Files.list(root.resolve("usr/lib/vigil"))) {
      return files.sorted().toList();
    }
  }

  private static int elfMachine(Path so) throws IOException {
    byte[] b = Files.readAllBytes(so);
    assertEquals(0x7f, b[0]);
    assertEquals('E', b[1]);
    return (b[18] & 0xff) | (b[19] & 0xff) << 8;
  }

  private static String sha256(Path file) throws Exception {
    return HexFormat.of()
        .formatHex(MessageDigest.getInstance("SHA-256").digest(Files.readAllBytes(file)));
  }
}
