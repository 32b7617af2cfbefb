package io.vigil.gateway.config;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * The shipped example file is the documentation of the defaults, so it must not drift from them.
 */
class ExampleConfigTest {

  private static final Pattern KEY_WITH_VALUE = Pattern.compile("\\s*[a-z-]+: \\S.*");

  @Test
  void exampleFileEqualsDefaults() {
    // given the example file as it is shipped
    Path example = exampleFile();

    // when it is loaded
    VigilConfig config = ConfigLoader.load(example);

    // then it says exactly what an empty file means
    assertEquals(VigilConfig.defaults(), config);
  }

  @Test
  void exampleFileSetsEveryRecordComponentUnderItsKey() throws IOException {
    // given the example file read as plain YAML
    Object document =
        new Load(LoadSettings.builder().build()).loadFromString(Files.readString(exampleFile()));

    // when every component of the configuration records is looked up by its key
    List<String> missing = new ArrayList<>();
    collectMissingKeys(VigilConfig.class, assertInstanceOf(Map.class, document), "", missing);

    // then none is left out
    assertEquals(List.of(), missing);
  }

  @Test
  void exampleFileExplainsEveryKeyInTheCommentAboveIt() throws IOException {
    List<String> lines = Files.readAllLines(exampleFile());

    for (int i = 0; i < lines.size(); i++) {
      if (KEY_WITH_VALUE.matcher(lines.get(i)).matches()) {
        assertTrue(
            i > 0 && lines.get(i - 1).strip().startsWith("#"),
            "no comment above line " + (i + 1) + ": " + lines.get(i));
      }
    }
  }

  private static void collectMissingKeys(
      Class<?> record, Map<?, ?> section, String path, List<String> missing) {
    for (var component : record.getRecordComponents()) {
      if (component.getType() == DeviceAccess.class) {
        // Its keys sit in the server section itself.
        collectMissingKeys(DeviceAccess.class, section, path, missing);
        continue;
      }
      if (record == TlsConfig.class && component.getName().equals("section")) {
        continue;
      }
      String name =
          component.getName().equals("authentication")
              ? "device-auth"
              : kebabCase(component.getName());
      String key = path + name;
      if (!section.containsKey(name)) {
        missing.add(key);
      } else if (component.getType().isRecord()) {
        collectMissingKeys(component.getType(), (Map<?, ?>) section.get(name), key + ".", missing);
      }
    }
  }

  private static String kebabCase(String camelCase) {
    return camelCase.replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
  }

  private static Path exampleFile() {
    URL url =
        Objects.requireNonNull(
            ExampleConfigTest.class.getResource("/vigil.example.yaml"), "vigil.example.yaml");
    try {
      return Path.of(url.toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }
}
