package movielens

// TitleYear returns the film's year from its title: the last "(YYYY)" in
// it, or the first year of a "(YYYY-YYYY)" / "(YYYY–)" range (series in
// the later releases), with YYYY in 1800..2100. MovieLens titles end with
// the year ("Toy Story (1995)"), sometimes followed by a remark
// ("Land Before Time III (1995) (V)") or spaces.
func TitleYear(title string) (int32, bool) {
	for end := len(title); end > 0; {
		open := lastByte(title[:end], '(')
		if open < 0 {
			return 0, false
		}
		if y, ok := yearAt(title[open+1:]); ok {
			return y, true
		}
		end = open
	}
	return 0, false
}

// yearAt parses "YYYY)" or "YYYY-...)" / "YYYY–...)" at the start of s.
func yearAt(s string) (int32, bool) {
	if len(s) < 5 {
		return 0, false
	}
	y := int32(0)
	for i := range 4 {
		c := s[i]
		if c < '0' || c > '9' {
			return 0, false
		}
		y = y*10 + int32(c-'0')
	}
	if y < 1800 || y > 2100 {
		return 0, false
	}
	rest := s[4:]
	switch {
	case rest[0] == ')':
	case rest[0] == '-' || len(rest) >= 3 && rest[:3] == "–":
		close := lastByte(rest, ')')
		if close < 0 {
			return 0, false
		}
		for _, c := range rest[:close] {
			if !(c >= '0' && c <= '9' || c == '-' || c == '–' || c == ' ') {
				return 0, false
			}
		}
	default:
		return 0, false
	}
	return y, true
}

func lastByte(s string, c byte) int {
	for i := len(s) - 1; i >= 0; i-- {
		if s[i] == c {
			return i
		}
	}
	return -1
}
