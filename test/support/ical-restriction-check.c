/*
 * Runs libical's iTIP restriction check (RFC 5546 component and property
 * rules for the calendar's METHOD) on an .ics file; exits non-zero and prints
 * libical's complaints when the file breaks them.
 */
#include <libical/ical.h>
#include <stdio.h>
#include <stdlib.h>

int main(int argc, char **argv) {
  if (argc != 2) return 2;
  FILE *file = fopen(argv[1], "r");
  if (!file) return 2;
  static char buffer[1 << 20];
  size_t length = fread(buffer, 1, sizeof buffer - 1, file);
  buffer[length] = 0;
  fclose(file);
  icalcomponent *calendar = icalparser_parse_string(buffer);
  if (!calendar) { printf("unparsable\n"); return 1; }
  int valid = icalrestriction_check(calendar);
  int errors = icalcomponent_count_errors(calendar);
  if (!valid || errors) {
    printf("%s\n", icalcomponent_as_ical_string(calendar));
    return 1;
  }
  printf("ok\n");
  return 0;
}
