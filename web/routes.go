package web

import (
	"net/http"
)

// A route is one (method, path) the server answers, with its handler. The
// path is written the same way in the ServeMux pattern and in the OpenAPI
// document, so a test can hold the two to the same set.
type route struct {
	method, path string
	handler      http.Handler
}

// routes is the route table: every API and operational route, in one place.
// Pages for people are registered by pages.go.
func (srv *Server) routes() []route {
	s := srv.store
	read := func(h apiFunc) http.Handler { return srv.limit(srv.api(h)) }
	write := func(h apiFunc) http.Handler { return srv.limit(srv.api(srv.authorized(h))) }
	return []route{
		{"GET", "/api/zoos", read(findZoos(s))},
		{"POST", "/api/zoos", write(create("/api/zoos/", s.CreateZoo, zooKey))},
		{"GET", "/api/zoos/{id}", read(get(s.Zoo))},
		{"PATCH", "/api/zoos/{id}", write(update(s.UpdateZoo))},
		{"DELETE", "/api/zoos/{id}", write(remove(s.DeleteZoo, true))},
		{"GET", "/api/zoos/{id}/visits", read(related(s.ZooVisits, visitPos, false))},
		{"GET", "/api/zoos/{id}/animals", read(related(s.ZooAnimals, zooAnimalPos, true))},
		{"GET", "/api/zoos/{id}/present", read(present(s))},

		{"GET", "/api/animals", read(findAnimals(s))},
		{"POST", "/api/animals", write(create("/api/animals/", s.CreateAnimal, animalKey))},
		{"GET", "/api/animals/{id}", read(get(s.Animal))},
		{"PATCH", "/api/animals/{id}", write(update(s.UpdateAnimal))},
		{"DELETE", "/api/animals/{id}", write(remove(s.DeleteAnimal, true))},
		{"GET", "/api/animals/{id}/visits", read(related(s.AnimalVisits, visitPos, false))},
		{"GET", "/api/animals/{id}/zoos", read(related(s.AnimalZoos, animalZooPos, true))},
		{"GET", "/api/animals/{id}/itinerary", read(itinerary(s))},
		{"GET", "/api/animals/{id}/where", read(where(s))},
		{"GET", "/api/animals/{id}/contacts", read(contacts(s))},

		{"GET", "/api/visits", read(findVisits(s))},
		{"POST", "/api/visits", write(create("/api/visits/", s.CreateVisit, visitKey))},
		{"GET", "/api/visits/{id}", read(get(s.Visit))},
		{"PATCH", "/api/visits/{id}", write(update(s.UpdateVisit))},
		{"DELETE", "/api/visits/{id}", write(remove(deleteVisit(s), false))},

		{"GET", "/api/census", read(census(s))},

		{"GET", "/api/openapi.json", http.HandlerFunc(serveOpenAPI)},
		{"GET", "/healthz", http.HandlerFunc(healthz)},
		{"GET", "/readyz", http.HandlerFunc(srv.readyz)},
		{"GET", "/metrics", srv.metrics.handler()},
	}
}
