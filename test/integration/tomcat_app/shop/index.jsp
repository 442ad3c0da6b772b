<%@ page contentType="text/html" %><!doctype html><title>shop</title><h1>shop</h1>
