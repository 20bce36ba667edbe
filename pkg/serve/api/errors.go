package api

import (
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log"
	"math"
	"net/http"
	"strconv"
	"strings"
)

// MaxBody is the largest request body accepted.
const MaxBody = 64 << 10

// Error codes of the JSON errors.
const (
	CodeBadID            = "bad_id"
	CodeBadParam         = "bad_parameter"
	CodeBadBody          = "bad_body"
	CodeBodyTooLarge     = "body_too_large"
	CodeUnknownModel     = "unknown_model"
	CodeNotFound         = "not_found"
	CodeMethodNotAllowed = "method_not_allowed"
	CodeUnsupportedMedia = "unsupported_media_type"
	CodeInternal         = "internal"
	CodeUnavailable      = "unavailable"
)

// apiError is an error with the status and code it is answered with; its
// message is safe to show (it names the parameter and the value, never
// internal state).
type apiError struct {
	status  int
	code    string
	message string
}

func (e *apiError) Error() string { return e.message }

func errorf(status int, code, format string, args ...any) *apiError {
	return &apiError{status: status, code: code, message: fmt.Sprintf(format, args...)}
}

type errorBody struct {
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

// writeError answers with a JSON error. Errors that are not an *apiError
// are internal: logged, and answered with a generic 500 message.
func writeError(w http.ResponseWriter, err error) {
	var ae *apiError
	if !errors.As(err, &ae) {
		log.Printf("internal error: %v", err)
		ae = errorf(http.StatusInternalServerError, CodeInternal, "internal error (logged on the server)")
	}
	var b errorBody
	b.Error.Code, b.Error.Message = ae.code, ae.message
	writeJSON(w, ae.status, b)
}

// writeJSON answers with v as JSON.
func writeJSON(w http.ResponseWriter, status int, v any) {
	data, err := json.Marshal(v)
	if err != nil {
		log.Printf("encode response: %v", err)
		status = http.StatusInternalServerError
		data = []byte(`{"error":{"code":"internal","message":"internal error (logged on the server)"}}`)
	}
	h := w.Header()
	h.Set("Content-Type", "application/json; charset=utf-8")
	h.Set("Cache-Control", "no-store")
	w.WriteHeader(status)
	w.Write(data)
	w.Write([]byte("\n"))
}

// pathID parses a path segment as a positive 32-bit id.
func pathID(r *http.Request, what string) (int32, error) {
	s := r.PathValue("id")
	n, err := strconv.ParseInt(s, 10, 32)
	if err != nil || n < 1 || strings.HasPrefix(s, "+") {
		return 0, errorf(http.StatusBadRequest, CodeBadID, "%s id %q: want a positive integer", what, clip(s))
	}
	return int32(n), nil
}

// intParam parses an optional integer query parameter in [lo, hi].
func intParam(r *http.Request, name string, def, lo, hi int) (int, error) {
	vs, ok := r.URL.Query()[name]
	if !ok {
		return def, nil
	}
	if len(vs) != 1 {
		return 0, errorf(http.StatusBadRequest, CodeBadParam, "%s: given %d times, want once", name, len(vs))
	}
	n, err := strconv.Atoi(vs[0])
	if err != nil || n < lo || n > hi {
		return 0, errorf(http.StatusBadRequest, CodeBadParam, "%s=%q: want an integer from %d to %d", name, clip(vs[0]), lo, hi)
	}
	return n, nil
}

// page parses page and page_size.
func page(r *http.Request, defSize int) (int, int, error) {
	p, err := intParam(r, "page", 1, 1, math.MaxInt32)
	if err != nil {
		return 0, 0, err
	}
	size, err := intParam(r, "page_size", defSize, 1, 100)
	return p, size, err
}

// clip shortens a value quoted in a message.
func clip(s string) string {
	if len(s) > 40 {
		return s[:40] + "…"
	}
	return s
}

// decodeBody reads a JSON object into dst: at most MaxBody bytes, no
// unknown field, nothing after it.
func decodeBody(w http.ResponseWriter, r *http.Request, dst any) error {
	if ct := r.Header.Get("Content-Type"); ct != "" && !strings.HasPrefix(ct, "application/json") {
		return errorf(http.StatusUnsupportedMediaType, CodeUnsupportedMedia, "Content-Type %q: want application/json", clip(ct))
	}
	body := http.MaxBytesReader(w, r.Body, MaxBody)
	dec := json.NewDecoder(body)
	dec.DisallowUnknownFields()
	if err := dec.Decode(dst); err != nil {
		return bodyError(err)
	}
	if _, err := dec.Token(); !errors.Is(err, io.EOF) {
		if err != nil {
			return bodyError(err)
		}
		return errorf(http.StatusBadRequest, CodeBadBody, "body: one JSON object expected, found more after it")
	}
	return nil
}

func bodyError(err error) error {
	var tooBig *http.MaxBytesError
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &tooBig):
		return errorf(http.StatusBadRequest, CodeBodyTooLarge, "body larger than %d bytes", MaxBody)
	case errors.Is(err, io.EOF):
		return errorf(http.StatusBadRequest, CodeBadBody, "body: empty, want a JSON object")
	case errors.As(err, &syn):
		return errorf(http.StatusBadRequest, CodeBadBody, "body: malformed JSON at byte %d", syn.Offset)
	case errors.As(err, &typ):
		return errorf(http.StatusBadRequest, CodeBadBody, "body: field %q: want %s, got a JSON %s", typ.Field, typ.Type, typ.Value)
	case errors.Is(err, io.ErrUnexpectedEOF):
		return errorf(http.StatusBadRequest, CodeBadBody, "body: truncated JSON")
	case strings.HasPrefix(err.Error(), "json: unknown field "):
		return errorf(http.StatusBadRequest, CodeBadBody, "body: %s", strings.TrimPrefix(err.Error(), "json: "))
	}
	return errorf(http.StatusBadRequest, CodeBadBody, "body: not a valid JSON object")
}
