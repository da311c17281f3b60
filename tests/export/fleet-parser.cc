/* SPDX-License-Identifier: Apache-2.0 */
/*
 * Fleet's readers of policy YAML, re-implemented for the tests from what
 * Fleet's source does (no Fleet code is copied; Fleet is Go, this is C++
 * over libyaml).  Read in github.com/fleetdm/fleet at these commits:
 *
 *   - cmd/fleetctl/fleetctl/apply.go (034fb56c2164f5de779c5fe619e7ce48b2434c2f):
 *     `fleetctl apply -f FILE` reads FILE (.yml or .yaml) and hands its
 *     bytes to spec.GroupFromBytes, with no environment expansion;
 *   - pkg/spec/spec.go (01fee809ae0188a1665a51bbfddf9e784eb9aa8e):
 *     GroupFromBytes splits the bytes with the regexp `(?m:^---[\t ]*)`
 *     (SplitYaml: every line that starts with "---", anywhere in the file,
 *     comments and block scalars included), trims each piece
 *     (strings.TrimSpace), drops empty ones, and unmarshals each through
 *     ghodss/yaml (YAML 1.1 via go-yaml v2, then encoding/json) into
 *     {kind, apiVersion, spec}; a piece without spec fails with
 *     `Missing required fields ("spec", "kind") on provided configuration.`
 *     when kind is empty too, else `Missing required fields ("spec") on
 *     provided "<kind>" configuration.`; an unknown kind with `unknown kind`;
 *     kind "policy" unmarshals spec into fleet.PolicySpec.  The same file's
 *     expandEnv, escapeString and getExclusionZones are the environment
 *     expansion of GitOps files;
 *   - server/fleet/policies.go (cb553e05ecd24e439b2b6bc919985e3f706aa90a):
 *     PolicySpec's keys (name, query, description, critical, resolution,
 *     team, platform, calendar_events_enabled, software_title_id,
 *     script_id), PolicySpec.Verify (a name and a query that are not blank,
 *     platform a comma-separated list of windows, linux, darwin, chrome) and
 *     FirstDuplicatePolicySpecName (one name per team); the earlier version
 *     00a9df521fefb42da67b4449d1599b98008f7e5a also refuses a query matching
 *     `(?i)attach[^\w]+.*[^\w]+as[^\w]+`;
 *   - pkg/spec/gitops.go (00b32fd0a466724786eeef6c66a9d14d487eed8f):
 *     parsePolicies reads a `- path:` file after ExpandEnvBytes as a YAML
 *     list of policies (YamlUnmarshal: YAMLToJSON, then encoding/json, so a
 *     YAML boolean where a string belongs is an error), refuses unknown
 *     keys (validateYAMLKeys) and nested paths, requires name ("policy name
 *     is required for each policy", NFC-normalised) and query, and refuses
 *     duplicate names;
 *     The same file's GitOpsFromFile reads a default.yml or team file:
 *     ExpandEnvBytes, then the top-level keys name, settings, org_settings,
 *     agent_options, controls, policies, reports, software, labels and
 *     custom_host_vitals ("unknown top-level field: X" for any other);
 *     org_settings: makes it the global file, name: a team's, and neither is
 *     "No `name` was provided in FILE..."; a key left out is read as null,
 *     which clears it.  parsePolicies takes inline items as a `- path:`
 *     file's; parseReports requires name and query, an ASCII name
 *     (validateReport), and one name per file ("duplicate report names");
 *   - pkg/spec/gitops_deprecations.go (4d4a1dd92d892d81e4d1744c9788d8b4ac2ff42d):
 *     ApplyDeprecatedKeyMappings renames the top-level team_settings to
 *     settings and queries to reports, and refuses a file with both names;
 *   - server/fleet/queries.go (8672f690c2350c6fd50bd77d5fa96b704b64db0d):
 *     QuerySpec's keys (name, description, query, team, interval,
 *     observer_can_run, platform, min_osquery_version, automations_enabled,
 *     logging, discard_data; logging "snapshot" when not set) and
 *     Query.Verify (a name and a query that are not blank, logging
 *     snapshot, differential or differential_ignore_removals, platforms as
 *     for policies); kind "query" of `fleetctl apply` unmarshals its spec
 *     into QuerySpec;
 *   - docs/Configuration/yaml-files.md (007f07854ab889c99f8a7cc006a82292d8f3348c):
 *     the policies and queries sections, inline in default.yml or a team's
 *     file, and the lib/NAME.policies.yml and lib/NAME.queries.yml forms.
 *
 * Fleet keeps a query's results in its query report only for snapshot
 * logging and when discard_data is false, at most 1000 rows per query by
 * default (fleetdm/fleet issue 7766, PR 35716).
 *
 * Where Fleet would not refuse a file but silently drop or change what it
 * says (an unknown key, a second YAML document in a piece, a plain scalar
 * YAML 1.1 reads as a boolean), these readers fail too: for phaseout's
 * output that is as much a bug.
 */
#include "fleet-parser.h"

#include <glib.h>

#ifdef PO_HAVE_LIBYAML
#include <yaml.h>
#endif

#include <map>
#include <memory>
#include <set>

namespace po_test {
namespace fleet {

namespace {

/* Go's unicode.IsSpace: Unicode White_Space */
bool
go_is_space (gunichar c)
{
  return g_unichar_isspace (c) || c == 0x85;
}

/* strings.TrimSpace */
std::string
trim_space (const std::string &text)
{
  const gchar *start = text.c_str ();
  const gchar *end = start + text.size ();

  while (start < end && go_is_space (g_utf8_get_char_validated (start, end - start)))
    start = g_utf8_next_char (start);
  while (end > start)
    {
      const gchar *last = g_utf8_find_prev_char (start, end);
      if (last == NULL || !go_is_space (g_utf8_get_char_validated (last, end - last)))
        break;
      end = last;
    }
  return std::string (start, end - start);
}

bool
is_blank (const std::string &text)
{
  return trim_space (text).empty ();
}

bool
regex_matches (const char *pattern, const std::string &text,
               GRegexCompileFlags flags = (GRegexCompileFlags) 0)
{
  return g_regex_match_simple (pattern, text.c_str (), flags, (GRegexMatchFlags) 0);
}

/* PolicySpec.Verify, and the ATTACH rule of earlier Fleet versions */
std::string
verify (const Policy &policy)
{
  if (is_blank (policy.name))
    return "policy name cannot be empty";
  if (is_blank (policy.query))
    return "policy query cannot be empty";
  if (regex_matches ("attach[^\\w]+.*[^\\w]+as[^\\w]+", policy.query, G_REGEX_CASELESS))
    return "ATTACH not allowed in queries";
  if (!policy.platform.empty ())
    {
      gchar **platforms = g_strsplit (policy.platform.c_str (), ",", -1);
      bool ok = true;
      for (guint i = 0; platforms[i] != NULL; i++)
        {
          std::string p = trim_space (platforms[i]);
          ok = ok && (p == "windows" || p == "linux" || p == "darwin" || p == "chrome");
        }
      g_strfreev (platforms);
      if (!ok)
        return "invalid policy platform";
    }
  return "";
}

/* Go's os.Expand rules for the name after a '$': the name and its width */
std::string
shell_name (const std::string &s, size_t *width)
{
  auto special = [] (char c) { return strchr ("*#$@!?-0123456789", c) != NULL && c != '\0'; };
  auto alnum = [] (char c) { return c == '_' || g_ascii_isalnum (c); };

  if (s[0] == '{')
    {
      if (s.size () > 2 && special (s[1]) && s[2] == '}')
        {
          *width = 3;
          return s.substr (1, 1);
        }
      for (size_t i = 1; i < s.size (); i++)
        if (s[i] == '}')
          {
            *width = i + 1;
            return i == 1 ? "" : s.substr (1, i - 1);
          }
      *width = 1;
      return "";
    }
  if (special (s[0]))
    {
      *width = 1;
      return s.substr (0, 1);
    }
  size_t i = 0;
  while (i < s.size () && alnum (s[i]))
    i++;
  *width = i;
  return s.substr (0, i);
}

#ifdef PO_HAVE_LIBYAML

/* a YAML node, as far as the readers need one */
struct Node {
  enum Type { NONE, SCALAR, SEQUENCE, MAPPING } type = NONE;
  std::string value;
  bool plain = false;
  std::vector<std::pair<std::string, Node>> pairs; /* mapping: key, value */
  std::vector<Node> items;                         /* sequence */
};

Node
convert (yaml_document_t *document, yaml_node_t *node, std::string *problem)
{
  Node out;
  switch (node->type)
    {
    case YAML_SCALAR_NODE:
      out.type = Node::SCALAR;
      out.value.assign ((const char *) node->data.scalar.value, node->data.scalar.length);
      out.plain = node->data.scalar.style == YAML_PLAIN_SCALAR_STYLE;
      break;
    case YAML_SEQUENCE_NODE:
      out.type = Node::SEQUENCE;
      for (yaml_node_item_t *item = node->data.sequence.items.start;
           item < node->data.sequence.items.top; item++)
        out.items.push_back (convert (document, yaml_document_get_node (document, *item), problem));
      break;
    case YAML_MAPPING_NODE:
      out.type = Node::MAPPING;
      for (yaml_node_pair_t *pair = node->data.mapping.pairs.start;
           pair < node->data.mapping.pairs.top; pair++)
        {
          yaml_node_t *key = yaml_document_get_node (document, pair->key);
          if (key->type != YAML_SCALAR_NODE)
            {
              *problem = "a mapping key that is not a scalar";
              continue;
            }
          std::string name ((const char *) key->data.scalar.value, key->data.scalar.length);
          for (const auto &existing : out.pairs)
            if (existing.first == name)
              *problem = "key \"" + name + "\" already set in map"; /* go-yaml v2 refuses */
          out.pairs.emplace_back (name,
                                  convert (document, yaml_document_get_node (document, pair->value),
                                           problem));
        }
      break;
    default:
      break;
    }
  return out;
}

/* the first document of text (go-yaml v2 reads only that one); *count
 * gets how many there are */
::testing::AssertionResult
load_yaml (const std::string &text, Node *root, int *count)
{
  yaml_parser_t parser;
  std::string problem;

  *count = 0;
  *root = Node ();
  yaml_parser_initialize (&parser);
  yaml_parser_set_input_string (&parser, (const unsigned char *) text.data (), text.size ());
  for (;;)
    {
      yaml_document_t document;
      if (!yaml_parser_load (&parser, &document))
        {
          std::string message = parser.problem != NULL ? parser.problem : "unknown problem";
          size_t line = parser.problem_mark.line + 1;
          yaml_parser_delete (&parser);
          return ::testing::AssertionFailure () << "YAML: " << message << " at line " << line;
        }
      yaml_node_t *node = yaml_document_get_root_node (&document);
      if (node == NULL)
        {
          /* the end of the stream */
          yaml_document_delete (&document);
          break;
        }
      if (*count == 0)
        *root = convert (&document, node, &problem);
      (*count)++;
      yaml_document_delete (&document);
    }
  yaml_parser_delete (&parser);
  if (!problem.empty ())
    return ::testing::AssertionFailure () << "YAML: " << problem;
  return ::testing::AssertionSuccess ();
}

/* what go-yaml v2 (YAML 1.1) makes of a plain scalar: str, bool, null,
 * int or float */
std::string
plain_type (const std::string &value)
{
  static const char *const bools[] = { "y",    "Y",     "yes",   "Yes",   "YES",  "n",
                                       "N",    "no",    "No",    "NO",    "true", "True",
                                       "TRUE", "false", "False", "FALSE", "on",   "On",
                                       "ON",   "off",   "Off",   "OFF" };
  if (value.empty () || value == "~" || value == "null" || value == "Null" || value == "NULL")
    return "null";
  for (const char *b : bools)
    if (value == b)
      return "bool";
  if (regex_matches ("^[-+]?(0b[0-1_]+|0[0-7_]+|(0|[1-9][0-9_]*)|0x[0-9a-fA-F_]+|"
                     "[1-9][0-9_]*(:[0-5]?[0-9])+)$",
                     value))
    return "int";
  if (regex_matches ("^([-+]?([0-9][0-9_]*)?\\.[0-9.]*([eE][-+]?[0-9]+)?|"
                     "[-+]?[0-9][0-9_]*(:[0-5]?[0-9])+\\.[0-9_]*|"
                     "[-+]?\\.(inf|Inf|INF)|\\.(nan|NaN|NAN)|[-+]?[0-9]+[eE][-+]?[0-9]+)$",
                     value))
    return "float";
  return "str";
}

/* a field of a spec: its name and what JSON type Fleet unmarshals it into */
enum FieldType { STRING, BOOLEAN, UNSIGNED };
struct Field {
  const char *name;
  FieldType type;
};

const Field policy_spec_fields[] = {
  { "name", STRING },        { "query", STRING },
  { "description", STRING }, { "critical", BOOLEAN },
  { "resolution", STRING },  { "team", STRING },
  { "platform", STRING },    { "calendar_events_enabled", BOOLEAN },
};

/* fleet.QuerySpec (server/fleet/queries.go at
 * 8672f690c2350c6fd50bd77d5fa96b704b64db0d) */
const Field query_spec_fields[] = {
  { "name", STRING },     { "description", STRING },         { "query", STRING },
  { "team", STRING },     { "interval", UNSIGNED },          { "observer_can_run", BOOLEAN },
  { "platform", STRING }, { "min_osquery_version", STRING }, { "automations_enabled", BOOLEAN },
  { "logging", STRING },  { "discard_data", BOOLEAN },
};

/* keys of a GitOps policy item besides PolicySpec's (gitops.go: fleet.BaseItem,
 * GitOpsPolicySpec, and PolicySpec fields that are not strings or booleans) */
const char *const gitops_policy_other_keys[] = {
  "path",
  "paths",
  "software_title_id",
  "script_id",
  "run_script",
  "install_software",
  "resend_configuration_profile",
  "webhooks_and_tickets_enabled",
  "continuous_automations_enabled",
  "type",
  "fleet_maintained_app_slug",
  "patch_when_closed",
};

/* keys of a GitOps report item besides QuerySpec's (gitops.go: Query is
 * fleet.BaseItem and fleet.QuerySpec; later QuerySpecs add label scopes) */
const char *const gitops_query_other_keys[] = {
  "path", "paths", "labels_include_any", "labels_include_all", "labels_exclude_any",
};

bool
yaml_truth (const std::string &v)
{
  return v == "true" || v == "True" || v == "TRUE" || v == "yes" || v == "Yes" || v == "YES"
         || v == "y" || v == "Y" || v == "on" || v == "On" || v == "ON";
}

/*
 * The scalar fields of a spec mapping, by name, as the text Fleet reads
 * (booleans as "true"/"false").  gitops: keys as written (GitOps refuses
 * unknown keys); otherwise encoding/json's case-insensitive match.  A key
 * Fleet would take but ignore, or one phaseout does not write, fails too.
 */
::testing::AssertionResult
read_fields (const Node &spec, bool gitops, const Field *fields, size_t n_fields,
             const char *const *other_keys, size_t n_other_keys,
             std::map<std::string, std::string> *values)
{
  if (spec.type != Node::MAPPING)
    return ::testing::AssertionFailure () << "spec is not a mapping";
  for (const auto &pair : spec.pairs)
    {
      const Field *field = NULL;
      for (size_t i = 0; i < n_fields; i++)
        if (gitops ? pair.first == fields[i].name
                   : g_ascii_strcasecmp (pair.first.c_str (), fields[i].name) == 0)
          field = &fields[i];
      if (field == NULL)
        {
          bool other = false;
          for (size_t i = 0; i < n_other_keys; i++)
            other = other || pair.first == other_keys[i];
          if (gitops && pair.first == "path")
            return ::testing::AssertionFailure () << "nested paths are not supported";
          if (gitops && !other)
            return ::testing::AssertionFailure () << "unknown key \"" << pair.first << "\"";
          return ::testing::AssertionFailure ()
                 << "key \"" << pair.first << "\": not one phaseout writes";
        }
      const Node &value = pair.second;
      if (value.type != Node::SCALAR)
        return ::testing::AssertionFailure () << pair.first << " is not a scalar";
      std::string type = value.plain ? plain_type (value.value) : "str";
      switch (field->type)
        {
        case BOOLEAN:
          if (type != "bool")
            return ::testing::AssertionFailure ()
                   << "json: cannot unmarshal " << type << " into field " << field->name
                   << " of type bool";
          (*values)[field->name] = yaml_truth (value.value) ? "true" : "false";
          break;
        case UNSIGNED:
          if (type != "int" || !regex_matches ("^[0-9]+$", value.value))
            return ::testing::AssertionFailure ()
                   << "json: cannot unmarshal " << type << " '" << value.value << "' into field "
                   << field->name << " of type uint";
          (*values)[field->name] = value.value;
          break;
        case STRING:
          if (type != "str")
            return ::testing::AssertionFailure ()
                   << field->name << ": YAML 1.1 reads the plain scalar '" << value.value << "' as "
                   << type << ", not the string written";
          (*values)[field->name] = value.value;
          break;
        }
    }
  return ::testing::AssertionSuccess ();
}

std::string
value_of (const std::map<std::string, std::string> &values, const char *key)
{
  auto it = values.find (key);
  return it != values.end () ? it->second : "";
}

::testing::AssertionResult
policy_from (const Node &spec, bool gitops, Policy *policy)
{
  std::map<std::string, std::string> v;
  ::testing::AssertionResult read = read_fields (spec, gitops, policy_spec_fields,
                                                 G_N_ELEMENTS (policy_spec_fields),
                                                 gitops_policy_other_keys,
                                                 G_N_ELEMENTS (gitops_policy_other_keys), &v);
  if (!read)
    return read;
  policy->name = value_of (v, "name");
  policy->query = value_of (v, "query");
  policy->description = value_of (v, "description");
  policy->resolution = value_of (v, "resolution");
  policy->team = value_of (v, "team");
  policy->platform = value_of (v, "platform");
  policy->critical = value_of (v, "critical") == "true";
  return ::testing::AssertionSuccess ();
}

::testing::AssertionResult
query_from (const Node &spec, bool gitops, Query *query)
{
  std::map<std::string, std::string> v;
  ::testing::AssertionResult read = read_fields (spec, gitops, query_spec_fields,
                                                 G_N_ELEMENTS (query_spec_fields),
                                                 gitops_query_other_keys,
                                                 G_N_ELEMENTS (gitops_query_other_keys), &v);
  if (!read)
    return read;
  query->name = value_of (v, "name");
  query->query = value_of (v, "query");
  query->description = value_of (v, "description");
  query->team = value_of (v, "team");
  query->platform = value_of (v, "platform");
  query->min_osquery_version = value_of (v, "min_osquery_version");
  /* "Logging is set to \"snapshot\" if not set" */
  query->logging = v.count ("logging") ? v["logging"] : "snapshot";
  query->interval = v.count ("interval") ? std::stoul (v["interval"]) : 0;
  query->observer_can_run = value_of (v, "observer_can_run") == "true";
  query->automations_enabled = value_of (v, "automations_enabled") == "true";
  query->discard_data = value_of (v, "discard_data") == "true";
  return ::testing::AssertionSuccess ();
}

/* Query.Verify: a name and a query that are not blank, a known logging
 * type, platforms as for policies */
std::string
verify_query (const Query &query)
{
  if (is_blank (query.name))
    return "query name cannot be empty";
  if (is_blank (query.query))
    return "query's SQL query cannot be empty";
  if (query.logging != "snapshot" && query.logging != "differential"
      && query.logging != "differential_ignore_removals")
    return "invalid logging value, must be one of 'snapshot', 'differential', "
           "'differential_ignore_removals'";
  Policy as_policy;
  as_policy.name = query.name;
  as_policy.query = "SELECT 1";
  as_policy.platform = query.platform;
  if (!verify (as_policy).empty ())
    return "query's platform must be a comma-separated list of 'darwin', 'linux', 'windows', "
           "and/or 'chrome' in a single string";
  return "";
}

/* the value of a top-level key of a piece, matched as encoding/json does */
const Node *
member (const Node &mapping, const char *name)
{
  const Node *found = NULL;
  for (const auto &pair : mapping.pairs)
    if (g_ascii_strcasecmp (pair.first.c_str (), name) == 0)
      found = &pair.second;
  return found;
}

#endif /* PO_HAVE_LIBYAML */

}  // namespace

std::vector<std::string>
split_apply_file (const std::string &text)
{
  std::vector<std::string> pieces;
  GRegex *separator = g_regex_new ("^---[\\t ]*", G_REGEX_MULTILINE, (GRegexMatchFlags) 0, NULL);
  gchar **chunks = g_regex_split (separator, text.c_str (), (GRegexMatchFlags) 0);

  for (guint i = 0; chunks[i] != NULL; i++)
    {
      std::string chunk = trim_space (chunks[i]);
      if (!chunk.empty ())
        pieces.push_back (chunk);
    }
  g_strfreev (chunks);
  g_regex_unref (separator);
  return pieces;
}

::testing::AssertionResult
expand_gitops_env (const std::string &text, std::string *expanded)
{
  /* escapeString: a run of 2k+1 backslashes before '$' stands for k
   * backslashes and a '$' that is not expanded */
  const std::string keep = "\x01PHASEOUT_KEEP_DOLLAR\x01";
  std::string escaped;
  for (size_t i = 0; i < text.size ();)
    {
      if (text[i] != '\\')
        {
          escaped += text[i++];
          continue;
        }
      size_t run = 0;
      while (i + run < text.size () && text[i + run] == '\\')
        run++;
      if (i + run < text.size () && text[i + run] == '$' && (run + 1) % 2 == 0)
        {
          escaped += std::string ((run + 1) / 2 - 1, '\\') + keep;
          i += run + 1;
        }
      else
        {
          escaped += std::string (run, '\\');
          i += run;
        }
    }

  /* getExclusionZones: where description and resolution are, variables
   * are left as they are */
  std::vector<std::pair<size_t, size_t>> zones;
  for (const char *key : { "resolution", "description" })
    {
      gchar *pattern = g_strdup_printf ("^\\s*(?:%s:)[\\s\\S]*?(?:^\\s+\\w+:|\\z)", key);
      GRegex *regex = g_regex_new (pattern, G_REGEX_MULTILINE, (GRegexMatchFlags) 0, NULL);
      GMatchInfo *info = NULL;
      g_regex_match (regex, escaped.c_str (), (GRegexMatchFlags) 0, &info);
      while (g_match_info_matches (info))
        {
          gint start = 0, end = 0;
          g_match_info_fetch_pos (info, 0, &start, &end);
          zones.emplace_back (start, end);
          g_match_info_next (info, NULL);
        }
      g_match_info_free (info);
      g_regex_unref (regex);
      g_free (pattern);
    }

  /* MaybeExpand with no variable set */
  std::string out;
  for (size_t j = 0; j < escaped.size (); j++)
    {
      if (escaped.compare (j, keep.size (), keep) == 0)
        {
          out += '$';
          j += keep.size () - 1;
          continue;
        }
      if (escaped[j] != '$' || j + 1 >= escaped.size ())
        {
          out += escaped[j];
          continue;
        }
      size_t width = 0;
      std::string name = shell_name (escaped.substr (j + 1), &width);
      bool in_zone = false;
      for (const auto &zone : zones)
        in_zone = in_zone || (j >= zone.first && j + 1 + width <= zone.second);
      gchar *upper = g_ascii_strup (name.c_str (), -1);
      bool fleet_var = g_str_has_prefix (upper, "FLEET_VAR_");
      g_free (upper);
      if (!name.empty () && g_str_has_prefix (name.c_str (), "FLEET_SECRET_"))
        return ::testing::AssertionFailure ()
               << "environment variables with \"FLEET_SECRET_\" prefix are only allowed in "
               << "profiles and scripts: \"" << name << "\"";
      if (!name.empty () && !fleet_var && !in_zone)
        return ::testing::AssertionFailure ()
               << "environment variable \"" << name << "\" not set (at byte " << j << ")";
      out += '$';
    }
  *expanded = out;
  return ::testing::AssertionSuccess ();
}

#ifdef PO_HAVE_LIBYAML

::testing::AssertionResult
parse_apply_file (const std::string &text, std::vector<Policy> *policies,
                  std::vector<Query> *queries)
{
  std::map<std::string, std::set<std::string>> policy_names_by_team, query_names_by_team;
  int n = 0;

  for (const std::string &piece : split_apply_file (text))
    {
      Node root;
      int documents = 0;
      n++;
      ::testing::AssertionResult loaded = load_yaml (piece, &root, &documents);
      if (!loaded)
        return ::testing::AssertionFailure ()
               << "failed to unmarshal spec item " << n << ": " << loaded.message () << "\n"
               << piece;
      if (documents > 1)
        return ::testing::AssertionFailure ()
               << "piece " << n << " holds " << documents << " YAML documents; Fleet reads only "
               << "the first\n"
               << piece;
      if (root.type != Node::MAPPING && root.type != Node::NONE)
        return ::testing::AssertionFailure ()
               << "failed to unmarshal spec item " << n << ": not a mapping\n"
               << piece;
      const Node *kind = member (root, "kind");
      const Node *spec = member (root, "spec");
      std::string kind_text = kind != NULL && kind->type == Node::SCALAR ? kind->value : "";
      if (spec == NULL
          || (spec->type == Node::SCALAR && spec->plain && plain_type (spec->value) == "null"))
        {
          if (kind_text.empty ())
            return ::testing::AssertionFailure ()
                   << "Missing required fields (\"spec\", \"kind\") on provided configuration. "
                   << "(piece " << n << ":\n"
                   << piece << ")";
          return ::testing::AssertionFailure ()
                 << "Missing required fields (\"spec\") on provided \"" << kind_text
                 << "\" configuration. (piece " << n << ")";
        }
      gchar *lower = g_ascii_strdown (kind_text.c_str (), -1);
      std::string kind_lower = lower;
      g_free (lower);
      if (kind_lower != "policy" && (kind_lower != "query" || queries == NULL))
        return ::testing::AssertionFailure ()
               << "piece " << n << ": kind \"" << kind_text << "\" (not one expected here; "
               << "Fleet says unknown kind for anything it does not know)";
      for (const auto &pair : root.pairs)
        if (g_ascii_strcasecmp (pair.first.c_str (), "kind") != 0
            && g_ascii_strcasecmp (pair.first.c_str (), "spec") != 0
            && g_ascii_strcasecmp (pair.first.c_str (), "apiVersion") != 0)
          return ::testing::AssertionFailure ()
                 << "piece " << n << ": key \"" << pair.first << "\" that Fleet ignores";

      if (kind_lower == "query")
        {
          /* GroupFromBytes: kind query unmarshals spec into fleet.QuerySpec;
           * the server verifies each (Query.Verify) and names are unique
           * per team */
          Query query;
          ::testing::AssertionResult read = query_from (*spec, false, &query);
          if (!read)
            return ::testing::AssertionFailure ()
                   << "unmarshaling query spec (piece " << n << "): " << read.message ();
          std::string problem = verify_query (query);
          if (!problem.empty ())
            return ::testing::AssertionFailure () << problem << " (piece " << n << ")";
          if (!query_names_by_team[query.team].insert (query.name).second)
            return ::testing::AssertionFailure () << "duplicate query name " << query.name;
          queries->push_back (query);
          continue;
        }
      Policy policy;
      ::testing::AssertionResult read = policy_from (*spec, false, &policy);
      if (!read)
        return ::testing::AssertionFailure ()
               << "unmarshaling policy spec (piece " << n << "): " << read.message ();
      std::string problem = verify (policy);
      if (!problem.empty ())
        return ::testing::AssertionFailure () << problem << " (piece " << n << ")";
      if (!policy_names_by_team[policy.team].insert (policy.name).second)
        return ::testing::AssertionFailure () << "duplicate policy name " << policy.name;
      policies->push_back (policy);
    }
  return ::testing::AssertionSuccess ();
}

namespace {

/* parsePolicies' checks of the policies read, inline or from a file */
::testing::AssertionResult
read_policy_items (const Node &list, std::vector<Policy> *policies)
{
  std::set<std::string> names;

  if (list.type == Node::SCALAR && list.plain && plain_type (list.value) == "null")
    return ::testing::AssertionSuccess ();
  if (list.type != Node::SEQUENCE)
    return ::testing::AssertionFailure ()
           << "Couldn't edit: expected type []*spec.Policy (a YAML list of policies)";
  for (const Node &item : list.items)
    {
      if (item.type == Node::SCALAR && item.plain && plain_type (item.value) == "null")
        continue; /* a nil item is skipped */
      Policy policy;
      ::testing::AssertionResult read = policy_from (item, true, &policy);
      if (!read)
        return read;
      if (policy.name.empty ())
        return ::testing::AssertionFailure () << "policy name is required for each policy";
      if (policy.query.empty ())
        return ::testing::AssertionFailure () << "policy query is required for each policy";
      gchar *normalized = g_utf8_normalize (policy.name.c_str (), -1, G_NORMALIZE_NFC);
      policy.name = normalized != NULL ? normalized : policy.name;
      g_free (normalized);
      if (!names.insert (policy.name).second)
        return ::testing::AssertionFailure () << "duplicate policy names: [" << policy.name << "]";
      std::string problem = verify (policy);
      if (!problem.empty ())
        return ::testing::AssertionFailure () << problem << ": " << policy.name;
      policies->push_back (policy);
    }
  return ::testing::AssertionSuccess ();
}

/* parseReports' checks (validateReport, duplicates) of the reports read */
::testing::AssertionResult
read_query_items (const Node &list, std::vector<Query> *queries)
{
  std::set<std::string> names;
  int i = 0;

  if (list.type == Node::SCALAR && list.plain && plain_type (list.value) == "null")
    return ::testing::AssertionSuccess ();
  if (list.type != Node::SEQUENCE)
    return ::testing::AssertionFailure ()
           << "Couldn't edit: expected type []spec.Query (a YAML list of reports)";
  for (const Node &item : list.items)
    {
      i++;
      if (item.type == Node::SCALAR && item.plain && plain_type (item.value) == "null")
        continue;
      Query query;
      ::testing::AssertionResult read = query_from (item, true, &query);
      if (!read)
        return read;
      if (query.name.empty ())
        return ::testing::AssertionFailure ()
               << "`name` is required for each report at reports[" << i - 1 << "]";
      if (query.query.empty ())
        return ::testing::AssertionFailure ()
               << "`query` is required for each report at reports[" << i - 1 << "]";
      for (unsigned char c : query.name)
        if (c >= 0x80)
          return ::testing::AssertionFailure () << "`name` must be in ASCII: " << query.name;
      if (!names.insert (query.name).second)
        return ::testing::AssertionFailure () << "duplicate report names: [" << query.name << "]";
      std::string problem = verify_query (query);
      if (!problem.empty ())
        return ::testing::AssertionFailure () << problem << ": " << query.name;
      queries->push_back (query);
    }
  return ::testing::AssertionSuccess ();
}

/* a GitOps file: expanded, then one YAML document */
::testing::AssertionResult
load_gitops (const std::string &text, Node *root)
{
  std::string expanded;
  ::testing::AssertionResult env = expand_gitops_env (text, &expanded);
  if (!env)
    return ::testing::AssertionFailure () << "failed to expand environment: " << env.message ();
  int documents = 0;
  ::testing::AssertionResult loaded = load_yaml (expanded, root, &documents);
  if (!loaded)
    return loaded;
  if (documents > 1)
    return ::testing::AssertionFailure () << documents << " YAML documents; Fleet reads one";
  return ::testing::AssertionSuccess ();
}

}  // namespace

::testing::AssertionResult
parse_gitops_policies_file (const std::string &text, std::vector<Policy> *policies)
{
  Node root;
  ::testing::AssertionResult loaded = load_gitops (text, &root);
  if (!loaded)
    return loaded;
  if (root.type != Node::SEQUENCE)
    return ::testing::AssertionFailure ()
           << "Couldn't edit: expected type []*spec.Policy (a YAML list of policies)";
  return read_policy_items (root, policies);
}

::testing::AssertionResult
parse_gitops_queries_file (const std::string &text, std::vector<Query> *queries)
{
  Node root;
  ::testing::AssertionResult loaded = load_gitops (text, &root);
  if (!loaded)
    return loaded;
  if (root.type != Node::SEQUENCE)
    return ::testing::AssertionFailure ()
           << "Couldn't edit: expected type []*spec.Query (a YAML list of reports)";
  return read_query_items (root, queries);
}

::testing::AssertionResult
parse_gitops_file (const std::string &text, std::vector<Policy> *policies,
                   std::vector<Query> *queries)
{
  static const char *const top_keys[] = {
    "name",     "settings", "org_settings", "agent_options", "controls",
    "policies", "reports",  "software",     "labels",        "custom_host_vitals"
  };
  Node root;
  ::testing::AssertionResult loaded = load_gitops (text, &root);
  if (!loaded)
    return loaded;
  if (root.type != Node::MAPPING)
    return ::testing::AssertionFailure () << "failed to unmarshal file: not a mapping";

  /* ApplyDeprecatedKeyMappings: team_settings is settings, queries reports */
  std::map<std::string, const Node *> top;
  for (const auto &pair : root.pairs)
    {
      std::string key = pair.first == "team_settings" ? "settings"
                        : pair.first == "queries"     ? "reports"
                                                      : pair.first;
      if (top.count (key))
        return ::testing::AssertionFailure ()
               << "cannot specify both '" << pair.first << "' (deprecated) and '" << key
               << "'; use only '" << key << "'";
      top[key] = &pair.second;
    }
  for (const auto &entry : top)
    {
      bool known = false;
      for (const char *key : top_keys)
        known = known || entry.first == key;
      if (!known)
        return ::testing::AssertionFailure () << "unknown top-level field: " << entry.first;
    }
  if (top.count ("org_settings") && (top.count ("name") || top.count ("settings")))
    return ::testing::AssertionFailure () << "'org_settings' cannot be used with 'name', "
                                          << "'settings'";
  if (!top.count ("org_settings") && !top.count ("name"))
    return ::testing::AssertionFailure ()
           << "No `name` was provided in FILE. If this file is intended to define org-level "
           << "settings, add `org_settings:` as a top-level key. Otherwise, use `name` to "
           << "specify the fleet name.";
  if (top.count ("name"))
    {
      const Node *name = top["name"];
      if (name->type != Node::SCALAR || is_blank (name->value))
        return ::testing::AssertionFailure () << "team 'name' is required";
    }

  ::testing::AssertionResult read = ::testing::AssertionSuccess ();
  if (top.count ("policies"))
    {
      read = read_policy_items (*top["policies"], policies);
      if (!read)
        return read;
    }
  if (top.count ("reports"))
    read = read_query_items (*top["reports"], queries);
  return read;
}

#else

::testing::AssertionResult
parse_apply_file (const std::string &, std::vector<Policy> *, std::vector<Query> *)
{
  return ::testing::AssertionFailure () << "built without libyaml";
}

::testing::AssertionResult
parse_gitops_queries_file (const std::string &, std::vector<Query> *)
{
  return ::testing::AssertionFailure () << "built without libyaml";
}

::testing::AssertionResult
parse_gitops_file (const std::string &, std::vector<Policy> *, std::vector<Query> *)
{
  return ::testing::AssertionFailure () << "built without libyaml";
}

::testing::AssertionResult
parse_gitops_policies_file (const std::string &, std::vector<Policy> *)
{
  return ::testing::AssertionFailure () << "built without libyaml";
}

#endif /* PO_HAVE_LIBYAML */

}  // namespace fleet
}  // namespace po_test
